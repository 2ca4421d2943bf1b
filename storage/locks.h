// storage/locks.h — striped per-inode mutexes. A LockSet takes the stripes of
// several inodes in ascending stripe order (so two LockSets never deadlock)
// and releases them on destruction. Inode 0 in the list is ignored.
//
// Thread-safe; a LockSet belongs to one thread.
#pragma once

#include <array>
#include <cstdint>
#include <mutex>
#include <vector>

namespace rpuffs::storage {

class StripedLocks {
 public:
  static constexpr size_t kStripes = 1024;
  std::mutex& Stripe(size_t i) { return stripes_[i]; }
  static size_t StripeOf(uint64_t ino) { return (ino * 0x9E3779B97F4A7C15ull) >> 54; }

 private:
  std::array<std::mutex, kStripes> stripes_;
};

class LockSet {
 public:
  LockSet(StripedLocks& locks, std::vector<uint64_t> inos);
  ~LockSet();
  LockSet(const LockSet&) = delete;
  LockSet& operator=(const LockSet&) = delete;

 private:
  StripedLocks& locks_;
  std::vector<size_t> held_;
};

}  // namespace rpuffs::storage
