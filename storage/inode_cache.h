// storage/inode_cache.h — decoded inode records kept in memory so that hot
// reads (a directory checked on every lookup and create, GetAttr) skip
// RocksDB.
//
// Consistency: a writer calls Invalidate(ino) after its batch is written and
// before its call returns. A reader takes Generation() before reading
// RocksDB and calls Insert with it; Insert refuses when any invalidation of
// that shard happened since, so a value read before a write can never
// replace what the write made current. Bounded: a full shard is emptied.
//
// Thread-safe (one mutex per shard).
#pragma once

#include <array>
#include <cstdint>
#include <mutex>
#include <optional>
#include <unordered_map>

#include "storage/records.h"

namespace rpuffs::storage {

class InodeCache {
 public:
  static constexpr size_t kShards = 64;
  static constexpr size_t kEntriesPerShard = 2048;  // ~128k inodes, some 25 MB at most

  bool Lookup(Ino ino, Inode* out);
  uint64_t Generation(Ino ino);
  void Insert(const Inode& inode, uint64_t generation);
  void Invalidate(Ino ino);
  void Clear();

 private:
  struct Shard {
    std::mutex mu;
    uint64_t generation = 0;                 // guarded by mu
    std::unordered_map<Ino, Inode> entries;  // guarded by mu
  };
  Shard& ShardOf(Ino ino) { return shards_[(ino * 0x9E3779B97F4A7C15ull) >> 58]; }
  std::array<Shard, kShards> shards_;
};

}  // namespace rpuffs::storage
