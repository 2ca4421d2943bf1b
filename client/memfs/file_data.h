// client/memfs — the bytes of one regular file, stored sparsely.
//
// Data lives in chunks of kChunkSize bytes kept in an ordered map, so a
// 1 TiB file that was only truncated up costs nothing, and a hole reads as
// zeros. A chunk's vector holds only the bytes up to the last one written in
// it; everything past a chunk's length (and every missing chunk) is zero.
// Invariant kept by the owner (Inode/MemFs): no byte at or past the file size
// is non-zero, so growing the size never exposes stale data.
//
// allocated_bytes() is what st_blocks reports and what statfs counts: each
// chunk's length rounded up to kBlockSize.
//
// Not thread-safe; memfs runs on the framework's loop thread only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace rpuffs::memfs {

class FileData {
 public:
  static constexpr uint64_t kChunkSize = 64 * 1024;
  static constexpr uint64_t kBlockSize = 4096;

  // Appends the bytes [offset, offset + size) to out; holes become zeros.
  void AppendTo(uint64_t offset, size_t size, std::string* out) const;
  // Stores size bytes at offset, allocating chunks as needed.
  void Write(uint64_t offset, const char* data, size_t size);
  // Drops every byte at or past new_size.
  void Truncate(uint64_t new_size);
  // Makes [offset, offset + length) allocated (zero-filled where it was a hole).
  void Allocate(uint64_t offset, uint64_t length);
  // Zeroes [offset, offset + length), freeing chunks it covers entirely.
  void PunchHole(uint64_t offset, uint64_t length);

  // Bytes that Write/Allocate of this range would newly allocate.
  uint64_t GrowthFor(uint64_t offset, uint64_t length) const;
  uint64_t allocated_bytes() const { return allocated_; }

 private:
  using Chunk = std::vector<char>;
  void ResizeChunk(Chunk& chunk, size_t len);

  std::map<uint64_t, Chunk> chunks_;  // chunk index -> bytes from the chunk's start
  uint64_t allocated_ = 0;
};

}  // namespace rpuffs::memfs
