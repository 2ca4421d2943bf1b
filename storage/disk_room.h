// storage/disk_room — keeps RocksDB's headroom on the data dir's filesystem:
// file data is refused with ENOSPC while there is still room for RocksDB to
// flush its memtables, compact and recover, so a full disk gives the writer a
// clear ENOSPC, deletes keep working, and file data never brings RocksDB to a
// full disk (where it stops every write, deletes included, until space
// appears). Metadata is not checked: it is small, and the headroom covers it.
//
// Room(bytes) is ENOSPC when, after `bytes` more of file data (counted twice:
// the WAL now, a blob file at the next flush), the filesystem's free space
// (statvfs f_bavail) would fall below kReserve plus what the memtables hold
// (written to disk at their flush). statvfs and the memtable size are read at
// most every kRefresh; in between, the bytes allowed since are subtracted.
// A refusal also calls `on_full` (at most once per kKickEvery): rpuffsd
// flushes the memtables then, so the WAL files they pin are deleted and the
// deletes they hold reach compaction, which gives the space of removed files
// back. Thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>

#include "storage/result.h"

namespace rpuffs::storage {

class DiskRoom {
 public:
  static constexpr uint64_t kReserve = uint64_t{64} << 20;  // RocksDB clears a hard error with 64 MiB free
  static constexpr std::chrono::milliseconds kRefresh{20};
  static constexpr std::chrono::seconds kKickEvery{1};

  // `unflushed` returns the bytes the memtables hold now; `on_full` (may be
  // empty) must not block.
  DiskRoom(std::string path, std::function<uint64_t()> unflushed, std::function<void()> on_full = {});

  Status Room(uint64_t bytes);
  // What is kept free now: kReserve plus the memtables (statfs leaves it out
  // of bavail).
  uint64_t Kept() const;

 private:
  // Re-reads statvfs and the memtables; false if statvfs failed.
  bool Refresh(std::chrono::steady_clock::time_point now);
  bool Fits(uint64_t need) const { return usable_ >= spent_ && usable_ - spent_ >= need; }

  const std::string path_;
  const std::function<uint64_t()> unflushed_;
  const std::function<void()> on_full_;
  std::mutex mu_;
  std::chrono::steady_clock::time_point read_at_;  // guarded by mu_
  uint64_t usable_ = 0;  // guarded by mu_: free less reserve and memtables at read_at_
  uint64_t spent_ = 0;   // guarded by mu_: allowed since read_at_ (twice the data)
  std::chrono::steady_clock::time_point kicked_at_;  // guarded by mu_
};

}  // namespace rpuffs::storage
