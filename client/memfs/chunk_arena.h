// client/memfs — where file bytes live: fixed-size slots of one memfd.
//
// Why not malloc'd buffers: on this project's VMs the first touch of fresh
// anonymous memory is a page fault that costs more than the copy itself
// (1 GiB copied into fresh 64 KiB malloc'd chunks: 368-384 MB/s; pwrite of
// the same bytes into a memfd: 1.4-2.4 GB/s, bench/memfs/RESULTS.md). The
// kernel fills a memfd's pages without faulting on the daemon's page tables.
//
// Promises:
// - A slot is kSlotSize bytes at offset slot * kSlotSize of the memfd. A new
//   slot reads as zeros; Free() gives its memory back to the system (hole
//   punch) and the slot number to a free list for reuse.
// - Write/Read/Zero/Reserve address bytes inside one slot or a run of
//   consecutive slots (`at` is an arena offset); they return 0 or an errno.
//   Read fills dst completely (bytes never written read as zeros).
// - allocated_bytes(): the memory the memfd holds (its st_blocks).
//
// The memfd is created close-on-exec by the constructor (std::system_error
// if it cannot be). Not thread-safe; memfs runs on the loop thread only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace rpuffs::memfs {

class ChunkArena {
 public:
  static constexpr uint64_t kSlotSize = 64 * 1024;

  ChunkArena();
  ~ChunkArena();
  ChunkArena(const ChunkArena&) = delete;
  ChunkArena& operator=(const ChunkArena&) = delete;

  // A zero-filled slot; 0 or an errno (ENOSPC when the memfd cannot grow).
  int Alloc(uint64_t* slot);
  // Makes the slot reusable, zeroed and its memory released (nothing to do
  // when `used`, the bytes ever non-zero from its start, is 0).
  void Free(uint64_t slot, uint64_t used);

  static uint64_t Offset(uint64_t slot) { return slot * kSlotSize; }

  int Write(uint64_t at, const char* src, size_t n);
  int Read(uint64_t at, char* dst, size_t n) const;
  // Makes [at, at + n) read as zeros, releasing whole pages.
  int Zero(uint64_t at, uint64_t n);
  // Backs [at, at + n) with memory now (fallocate), so later writes there
  // cannot fail for lack of it.
  int Reserve(uint64_t at, uint64_t n);

  uint64_t allocated_bytes() const;
  size_t free_slots() const { return free_.size(); }

 private:
  int fd_ = -1;
  uint64_t next_slot_ = 0;   // slots below it have been handed out at least once
  uint64_t file_size_ = 0;   // the memfd's size (grown ahead of next_slot_)
  std::vector<uint64_t> free_;
};

}  // namespace rpuffs::memfs
