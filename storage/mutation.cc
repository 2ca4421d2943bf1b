#include "storage/mutation.h"

#include <sys/stat.h>

#include "storage/block_patch.h"
#include "storage/keys.h"
#include "storage/volume_impl.h"

namespace rpuffs::storage {
namespace {

std::string Delta(int64_t d) {
  std::string v;
  PutLE64(&v, static_cast<uint64_t>(d));  // two's complement: a wrapping add subtracts
  return v;
}

}  // namespace

Mutation::Mutation(VolumeImpl* volume, const OpId& op) : volume_(volume), op_(op) {
  if (op.seq == 0) return;
  std::string value;
  Status s = volume_->db().GetMeta(Key2(KeyTag::kRetry, op.session, op.seq), &value);
  if (s.ok() && DecodeOutcome(value, &previous_)) replayed_ = true;
}

void Mutation::PutInode(const Inode& inode) {
  batch_.Put(volume_->db().meta(), InodeKey(inode.ino), EncodeInode(inode));
  written_inodes_.push_back(inode.ino);
}

void Mutation::DeleteInode(Ino ino) {
  batch_.Delete(volume_->db().meta(), InodeKey(ino));
  written_inodes_.push_back(ino);
}

void Mutation::PutDentry(Ino parent, std::string_view name, const Inode& child) {
  DentryValue d{child.ino, child.mode & S_IFMT};
  batch_.Put(volume_->db().meta(), DentryKey(parent, name), EncodeDentry(d));
}

void Mutation::DeleteDentry(Ino parent, std::string_view name) {
  batch_.Delete(volume_->db().meta(), DentryKey(parent, name));
}

void Mutation::PutMeta(const std::string& key, std::string_view value) {
  batch_.Put(volume_->db().meta(), key, rocksdb::Slice(value.data(), value.size()));
}

void Mutation::DeleteMeta(const std::string& key) { batch_.Delete(volume_->db().meta(), key); }

void Mutation::PutBlock(Ino ino, uint64_t index, std::string_view bytes) {
  batch_.Put(volume_->db().data(), BlockKey(ino, index), rocksdb::Slice(bytes.data(), bytes.size()));
}

void Mutation::PatchBlock(Ino ino, uint64_t index, uint32_t offset, std::string_view bytes) {
  // The extent header and the caller's bytes go into the batch as two parts:
  // no intermediate copy of the data.
  std::string header = PatchHeader(offset, static_cast<uint32_t>(bytes.size()));
  std::string key = BlockKey(ino, index);
  rocksdb::Slice key_slice(key);
  rocksdb::Slice parts[2] = {rocksdb::Slice(header), rocksdb::Slice(bytes.data(), bytes.size())};
  batch_.Merge(volume_->db().data(), rocksdb::SliceParts(&key_slice, 1), rocksdb::SliceParts(parts, 2));
}

Outcome Mutation::Commit(Outcome out) {
  if (out.err != 0) {
    batch_.Clear();
    used_blocks_delta_ = inodes_delta_ = 0;
    on_commit_.clear();
    written_inodes_.clear();
    if (op_.seq == 0) return out;
  }
  if (used_blocks_delta_ != 0)
    batch_.Merge(volume_->db().meta(), CounterKey(CounterId::kUsedBlocks), Delta(used_blocks_delta_));
  if (inodes_delta_ != 0) batch_.Merge(volume_->db().meta(), CounterKey(CounterId::kInodes), Delta(inodes_delta_));
  if (op_.seq != 0) PutMeta(Key2(KeyTag::kRetry, op_.session, op_.seq), EncodeOutcome(out));
  if (batch_.Count() == 0) return out;
  Status s = volume_->db().Write(&batch_, sync_);
  // Even a failed write may have reached the WAL: drop cached copies either way.
  for (Ino ino : written_inodes_) volume_->inode_cache().Invalidate(ino);
  if (!s.ok()) {
    Outcome failed;
    failed.err = s.err();
    return failed;
  }
  volume_->used_blocks_ += used_blocks_delta_;
  volume_->inodes_ += inodes_delta_;
  for (auto& fn : on_commit_) fn();
  return out;
}

Status StatusOf(const Outcome& o) { return o.err == 0 ? Status::Ok() : Status(o.err); }

Result<Attr> AttrOf(const Outcome& o) {
  if (o.err != 0) return Status(o.err);
  return o.attr;
}

}  // namespace rpuffs::storage
