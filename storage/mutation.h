// storage/mutation.h — one mutating operation in progress: the WriteBatch it
// builds, the statfs counter deltas, in-memory effects to apply after the
// write, and the retry record that makes it idempotent.
//
// Use (with the inode locks of the operation held):
//   Mutation m(volume, op);
//   if (m.replayed()) return m.previous();   // applied before: same answer
//   ... read state, check rules, add Puts/Deletes to m ...
//   return m.Commit(outcome);                // one atomic write
// Commit writes the batch together with the outcome record when op.seq != 0.
// A failed outcome (err != 0) discards the batch and records only the outcome.
//
// Not thread-safe; lives on one thread's stack.
#pragma once

#include <rocksdb/write_batch.h>

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "storage/records.h"
#include "storage/volume.h"

namespace rpuffs::storage {

class VolumeImpl;

class Mutation {
 public:
  Mutation(VolumeImpl* volume, const OpId& op);
  Mutation(const Mutation&) = delete;
  Mutation& operator=(const Mutation&) = delete;

  bool replayed() const { return replayed_; }
  const Outcome& previous() const { return previous_; }

  rocksdb::WriteBatch* batch() { return &batch_; }
  void PutInode(const Inode& inode);
  void DeleteInode(Ino ino);
  void PutDentry(Ino parent, std::string_view name, const Inode& child);
  void DeleteDentry(Ino parent, std::string_view name);
  void PutMeta(const std::string& key, std::string_view value);
  void DeleteMeta(const std::string& key);
  void PutBlock(Ino ino, uint64_t index, std::string_view bytes);
  // Overwrites `bytes` at `offset` within block `index` (creating it, zero-
  // filled before `offset`, if missing) without reading it: a Merge with a
  // block patch (block_patch.h).
  void PatchBlock(Ino ino, uint64_t index, uint32_t offset, std::string_view bytes);
  // statfs counters, applied in the batch (merge) and in memory after commit.
  void AddUsedBlocks(int64_t delta) { used_blocks_delta_ += delta; }
  void AddInodes(int64_t delta) { inodes_delta_ += delta; }
  // Runs after a successful write (e.g. open-handle counts).
  void OnCommit(std::function<void()> fn) { on_commit_.push_back(std::move(fn)); }
  void RequireSync() { sync_ = true; }

  // Writes everything (see above) and returns `out`, or an outcome carrying
  // the write's errno if the write failed (then nothing was applied).
  Outcome Commit(Outcome out);

 private:
  VolumeImpl* volume_;
  OpId op_;
  bool replayed_ = false;
  Outcome previous_;
  rocksdb::WriteBatch batch_;
  int64_t used_blocks_delta_ = 0;
  int64_t inodes_delta_ = 0;
  std::vector<std::function<void()>> on_commit_;
  std::vector<Ino> written_inodes_;  // invalidated in the inode cache after the write
  bool sync_ = false;
};

// Conversions of an outcome into the API's result types.
Status StatusOf(const Outcome& o);
Result<Attr> AttrOf(const Outcome& o);

}  // namespace rpuffs::storage
