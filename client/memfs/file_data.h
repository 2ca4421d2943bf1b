// client/memfs — the bytes of one regular file, stored sparsely.
//
// Data lives in chunks of kChunkSize bytes, each a slot of the filesystem's
// ChunkArena (a memfd, chunk_arena.h), kept in an ordered map, so a 1 TiB
// file that was only truncated up costs nothing, and a hole reads as zeros.
// A chunk records how many bytes from its start are in use (its length);
// everything past a chunk's length (and every missing chunk) reads as zero:
// a shrinking chunk zeroes what it drops. Invariant kept by the owner
// (Inode/MemFs): no byte at or past the file size is non-zero, so growing
// the size never exposes stale data (after a failed Write, the owner
// truncates back to the size).
//
// Pieces that follow one another in the arena are written and read with one
// system call (a file written in order gets consecutive slots).
//
// allocated_bytes() is what st_blocks reports and what statfs counts: each
// chunk's length rounded up to kBlockSize. Destroying a FileData gives its
// slots back to the arena.
//
// Not thread-safe; memfs runs on the framework's loop thread only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>

#include "client/memfs/chunk_arena.h"

namespace rpuffs::memfs {

class FileData {
 public:
  static constexpr uint64_t kChunkSize = ChunkArena::kSlotSize;
  static constexpr uint64_t kBlockSize = 4096;

  explicit FileData(ChunkArena& arena) : arena_(&arena) {}
  ~FileData();
  FileData(const FileData&) = delete;
  FileData& operator=(const FileData&) = delete;

  // Appends the bytes [offset, offset + size) to out; holes become zeros.
  // 0 or an errno.
  int AppendTo(uint64_t offset, size_t size, std::string* out) const;
  // Stores size bytes at offset, allocating chunks as needed. 0 or an errno
  // (ENOSPC/ENOMEM when memory runs out).
  int Write(uint64_t offset, const char* data, size_t size);
  // Drops every byte at or past new_size.
  void Truncate(uint64_t new_size);
  // Makes [offset, offset + length) allocated (zero-filled where it was a
  // hole) and backed by memory. 0 or an errno.
  int Allocate(uint64_t offset, uint64_t length);
  // Zeroes [offset, offset + length), freeing chunks it covers entirely.
  void PunchHole(uint64_t offset, uint64_t length);

  // Bytes that Write/Allocate of this range would newly allocate.
  uint64_t GrowthFor(uint64_t offset, uint64_t length) const;
  uint64_t allocated_bytes() const { return allocated_; }

 private:
  struct Chunk {
    uint64_t slot = 0;
    uint64_t len = 0;  // bytes in use from the chunk's start
  };
  using ChunkMap = std::map<uint64_t, Chunk>;  // chunk index -> its slot

  void SetLen(Chunk& chunk, uint64_t len);
  // Shortens a chunk, zeroing the bytes it drops.
  void Shrink(Chunk& chunk, uint64_t len);
  // The chunk at idx, allocated if missing (hint: where to look first).
  int ChunkAt(uint64_t idx, ChunkMap::iterator* hint);

  ChunkArena* arena_;
  ChunkMap chunks_;
  uint64_t allocated_ = 0;
};

}  // namespace rpuffs::memfs
