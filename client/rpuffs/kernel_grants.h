// client/rpuffs — KernelGrants: what this mount handed to the kernel with the
// long (watch) timeout, so that all of it can be taken back when the watch is
// lost.
//
// Records kernel inode numbers (attributes given with the long timeout) and
// (parent, name) entries (a positive or negative name given with the long
// timeout). Bounded: past `max_items` records Grant*() refuse (the caller
// then answers with the short timeout). Forget() drops an inode and every
// entry under it when the kernel forgets the inode (then it caches neither).
// TakeAll() empties the registry and hands back what was in it.
// Loop-thread only; no call suspends.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

namespace rpuffs::client {

class KernelGrants {
 public:
  static constexpr size_t kDefaultMax = size_t{1} << 20;

  explicit KernelGrants(size_t max_items = kDefaultMax) : max_(max_items) {}

  // True if recorded (now or before); false when full.
  bool GrantInode(uint64_t ino);
  bool GrantEntry(uint64_t parent, const std::string& name);

  // The kernel no longer caches these (invalidated or forgotten).
  void DropInode(uint64_t ino) { size_ -= inodes_.erase(ino); }
  void DropEntry(uint64_t parent, const std::string& name);
  void Forget(uint64_t ino);

  struct All {
    std::vector<uint64_t> inodes;
    std::vector<std::pair<uint64_t, std::string>> entries;
  };
  All TakeAll();

  size_t size() const { return size_; }

 private:
  size_t max_;
  size_t size_ = 0;
  std::unordered_set<uint64_t> inodes_;
  std::unordered_map<uint64_t, std::unordered_set<std::string>> entries_;
};

}  // namespace rpuffs::client
