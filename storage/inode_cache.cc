#include "storage/inode_cache.h"

namespace rpuffs::storage {

bool InodeCache::Lookup(Ino ino, Inode* out) {
  Shard& s = ShardOf(ino);
  std::lock_guard<std::mutex> lock(s.mu);
  auto it = s.entries.find(ino);
  if (it == s.entries.end()) return false;
  *out = it->second;
  return true;
}

uint64_t InodeCache::Generation(Ino ino) {
  Shard& s = ShardOf(ino);
  std::lock_guard<std::mutex> lock(s.mu);
  return s.generation;
}

void InodeCache::Insert(const Inode& inode, uint64_t generation) {
  Shard& s = ShardOf(inode.ino);
  std::lock_guard<std::mutex> lock(s.mu);
  if (s.generation != generation) return;
  if (s.entries.size() >= kEntriesPerShard) s.entries.clear();
  s.entries[inode.ino] = inode;
}

void InodeCache::Invalidate(Ino ino) {
  Shard& s = ShardOf(ino);
  std::lock_guard<std::mutex> lock(s.mu);
  s.generation++;
  s.entries.erase(ino);
}

void InodeCache::Clear() {
  for (Shard& s : shards_) {
    std::lock_guard<std::mutex> lock(s.mu);
    s.generation++;
    s.entries.clear();
  }
}

}  // namespace rpuffs::storage
