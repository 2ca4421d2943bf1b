#include "storage/volume_internal.h"

#include "storage/volume_impl.h"

namespace rpuffs::storage::internal {
namespace {

rocksdb::ColumnFamilyHandle* Cf(VolumeImpl* v, Family family) {
  return family == Family::kMeta ? v->db().meta() : v->db().data();
}

}  // namespace

Status RawPut(Volume* volume, Family family, const std::string& key, const std::string& value) {
  auto* v = static_cast<VolumeImpl*>(volume);
  rocksdb::WriteBatch batch;
  batch.Put(Cf(v, family), key, value);
  Status s = v->db().Write(&batch, false);
  v->inode_cache().Clear();
  return s;
}

Status RawDelete(Volume* volume, Family family, const std::string& key) {
  auto* v = static_cast<VolumeImpl*>(volume);
  rocksdb::WriteBatch batch;
  batch.Delete(Cf(v, family), key);
  Status s = v->db().Write(&batch, false);
  v->inode_cache().Clear();
  return s;
}

Status FlushAndCompact(Volume* volume) {
  auto* v = static_cast<VolumeImpl*>(volume);
  rocksdb::DB* db = v->db().db();
  for (rocksdb::ColumnFamilyHandle* cf : {v->db().meta(), v->db().data()}) {
    if (Status s = FromRocks(db->Flush(rocksdb::FlushOptions(), cf)); !s.ok()) return s;
  }
  rocksdb::CompactRangeOptions all;
  all.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kForce;
  return FromRocks(db->CompactRange(all, v->db().data(), nullptr, nullptr));
}

bool FlushesWithDirectIo(Volume* volume) {
  return static_cast<VolumeImpl*>(volume)->db().db()->GetDBOptions().use_direct_io_for_flush_and_compaction;
}

}  // namespace rpuffs::storage::internal
