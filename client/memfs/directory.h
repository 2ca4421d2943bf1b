// client/memfs — the entries of one directory, with stable readdir cookies.
//
// Every entry gets a cookie from a per-directory counter when it is added and
// keeps it until it is removed (replacing the inode behind a name keeps the
// cookie). Readdir lists entries in cookie order after a given cookie, so a
// listing resumed from any cookie never repeats an entry and never skips one
// that existed for the whole listing, however many entries are added or
// removed in between. Cookies 1 and 2 are reserved for "." and "..".
//
// Not thread-safe; memfs runs on the framework's loop thread only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <unordered_map>

#include "client/puffs/ops.h"

namespace rpuffs::memfs {

class Directory {
 public:
  static constexpr uint64_t kDotCookie = 1;
  static constexpr uint64_t kDotDotCookie = 2;

  struct Child {
    puffs::Ino ino = 0;
    uint32_t type = 0;  // S_IFMT bits of the inode
    uint64_t cookie = 0;
  };

  // The entry called name, or nullptr. Valid until the entry is removed.
  const Child* Find(const std::string& name) const;
  // REQUIRES: no entry called name.
  void Add(const std::string& name, puffs::Ino ino, uint32_t type);
  // Points an existing entry at another inode, keeping its cookie.
  // REQUIRES: an entry called name.
  void Replace(const std::string& name, puffs::Ino ino, uint32_t type);
  // REQUIRES: an entry called name.
  void Remove(const std::string& name);

  bool empty() const { return by_name_.empty(); }
  size_t size() const { return by_name_.size(); }

  // Calls fn for up to max entries whose cookie is > after, in cookie order.
  void ListAfter(uint64_t after, size_t max,
                 const std::function<void(const std::string&, const Child&)>& fn) const;

 private:
  using NameMap = std::unordered_map<std::string, Child>;
  NameMap by_name_;
  // Elements of by_name_ (node-based, so the pointers survive rehashing).
  std::map<uint64_t, const NameMap::value_type*> by_cookie_;
  uint64_t next_cookie_ = kDotDotCookie + 1;
};

}  // namespace rpuffs::memfs
