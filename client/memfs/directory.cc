#include "client/memfs/directory.h"

#include <cassert>

namespace rpuffs::memfs {

const Directory::Child* Directory::Find(const std::string& name) const {
  auto it = by_name_.find(name);
  return it == by_name_.end() ? nullptr : &it->second;
}

void Directory::Add(const std::string& name, puffs::Ino ino, uint32_t type) {
  const uint64_t cookie = next_cookie_++;
  auto [it, inserted] = by_name_.emplace(name, Child{ino, type, cookie});
  assert(inserted);
  (void)inserted;
  by_cookie_.emplace(cookie, &*it);
}

void Directory::Replace(const std::string& name, puffs::Ino ino, uint32_t type) {
  auto it = by_name_.find(name);
  assert(it != by_name_.end());
  it->second.ino = ino;
  it->second.type = type;
}

void Directory::Remove(const std::string& name) {
  auto it = by_name_.find(name);
  assert(it != by_name_.end());
  by_cookie_.erase(it->second.cookie);
  by_name_.erase(it);
}

void Directory::ListAfter(uint64_t after, size_t max,
                          const std::function<void(const std::string&, const Child&)>& fn) const {
  size_t listed = 0;
  for (auto it = by_cookie_.upper_bound(after); it != by_cookie_.end() && listed < max;
       ++it, ++listed) {
    fn(it->second->first, it->second->second);
  }
}

}  // namespace rpuffs::memfs
