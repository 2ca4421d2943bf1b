#include "client/rpuffs/kernel_grants.h"

namespace rpuffs::client {

bool KernelGrants::GrantInode(uint64_t ino) {
  if (inodes_.count(ino) != 0) return true;
  if (size_ >= max_) return false;
  inodes_.insert(ino);
  ++size_;
  return true;
}

bool KernelGrants::GrantEntry(uint64_t parent, const std::string& name) {
  auto it = entries_.find(parent);
  if (it != entries_.end() && it->second.count(name) != 0) return true;
  if (size_ >= max_) return false;
  entries_[parent].insert(name);
  ++size_;
  return true;
}

void KernelGrants::DropEntry(uint64_t parent, const std::string& name) {
  auto it = entries_.find(parent);
  if (it == entries_.end()) return;
  size_ -= it->second.erase(name);
  if (it->second.empty()) entries_.erase(it);
}

void KernelGrants::Forget(uint64_t ino) {
  DropInode(ino);
  auto it = entries_.find(ino);
  if (it == entries_.end()) return;
  size_ -= it->second.size();
  entries_.erase(it);
}

KernelGrants::All KernelGrants::TakeAll() {
  All all;
  all.inodes.assign(inodes_.begin(), inodes_.end());
  for (auto& [parent, names] : entries_) {
    for (const std::string& name : names) all.entries.emplace_back(parent, name);
  }
  inodes_.clear();
  entries_.clear();
  size_ = 0;
  return all;
}

}  // namespace rpuffs::client
