// File data as blocks in the "data" column family: iteration, resizing and
// hole punching. Invariant kept here: a block never holds bytes past the end
// of the file, so growing a file (truncate up, write past EOF) reads zeros.
#include <algorithm>
#include <cstring>
#include <limits>
#include <vector>

#include "storage/keys.h"
#include "storage/volume_impl.h"

namespace rpuffs::storage {

Status VolumeImpl::ForEachBlock(const rocksdb::ReadOptions& ro_in, Ino ino, uint64_t first, uint64_t last,
                                const std::function<void(uint64_t, std::string_view)>& fn) const {
  std::string end = last == std::numeric_limits<uint64_t>::max() ? BlockKey(ino + 1, 0) : BlockKey(ino, last + 1);
  rocksdb::ReadOptions ro = ro_in;
  rocksdb::Slice upper(end);
  ro.iterate_upper_bound = &upper;
  std::unique_ptr<rocksdb::Iterator> it(db_->db()->NewIterator(ro, db_->data()));
  for (it->Seek(BlockKey(ino, first)); it->Valid(); it->Next()) {
    if (it->key().size() != 16) continue;
    fn(GetBE64(it->key().data() + 8), std::string_view(it->value().data(), it->value().size()));
  }
  return FromRocks(it->status());
}

Status VolumeImpl::ReadBlocks(const rocksdb::ReadOptions& ro, Ino ino, uint64_t first, uint64_t last,
                              const std::function<void(uint64_t, std::string_view)>& fn) const {
  const size_t n = last - first + 1;
  std::vector<std::string> keys(n);
  std::vector<rocksdb::Slice> slices(n);
  for (size_t i = 0; i < n; ++i) {
    keys[i] = BlockKey(ino, first + i);
    slices[i] = keys[i];
  }
  std::vector<rocksdb::PinnableSlice> values(n);
  std::vector<rocksdb::Status> statuses(n);
  rocksdb::ReadOptions point = ro;
  // Blob records carry a CRC32c over the whole block, which Debian's portable
  // librocksdb computes in software (~40% of a 4 KiB read's CPU). Data reads
  // skip it; fsck and the iterators (ForEachBlock) still verify.
  point.verify_checksums = false;
  db_->db()->MultiGet(point, db_->data(), n, slices.data(), values.data(), statuses.data(), /*sorted_input=*/true);
  for (size_t i = 0; i < n; ++i) {
    if (statuses[i].IsNotFound()) continue;
    if (!statuses[i].ok()) return FromRocks(statuses[i]);
    fn(first + i, std::string_view(values[i].data(), values[i].size()));
  }
  return Status::Ok();
}

Status VolumeImpl::HasBlockFrom(Ino ino, uint64_t first, bool* any) const {
  std::string end = BlockKey(ino + 1, 0);
  rocksdb::Slice upper(end);
  rocksdb::ReadOptions ro;
  ro.iterate_upper_bound = &upper;
  std::unique_ptr<rocksdb::Iterator> it(db_->db()->NewIterator(ro, db_->data()));
  it->Seek(BlockKey(ino, first));
  *any = it->Valid();
  return FromRocks(it->status());
}

Status VolumeImpl::Resize(Mutation& m, Inode* inode, uint64_t size) {
  const uint64_t bs = options_.block_size;
  if (size < inode->size && inode->alloc_blocks > 0) {
    uint64_t keep = (size + bs - 1) / bs;  // blocks [0, keep) stay
    uint64_t dropped = 0;
    if (keep == 0) {
      dropped = inode->alloc_blocks;
    } else {
      Status s = ForEachBlock(rocksdb::ReadOptions(), inode->ino, keep, std::numeric_limits<uint64_t>::max(),
                              [&](uint64_t, std::string_view) { ++dropped; });
      if (!s.ok()) return s;
    }
    if (dropped > 0) m.batch()->DeleteRange(db_->data(), BlockKey(inode->ino, keep), BlockKey(inode->ino + 1, 0));
    inode->alloc_blocks -= dropped;
    m.AddUsedBlocks(-static_cast<int64_t>(dropped));
    uint64_t tail = size % bs;
    if (tail != 0) {
      uint64_t index = size / bs;
      std::string block;
      Status s = ForEachBlock(rocksdb::ReadOptions(), inode->ino, index, index,
                              [&](uint64_t, std::string_view bytes) { block.assign(bytes); });
      if (!s.ok()) return s;
      if (block.size() > tail) {
        block.resize(tail);
        m.PutBlock(inode->ino, index, block);
      }
    }
  }
  inode->size = size;
  return Status::Ok();
}

Status VolumeImpl::PunchHole(Mutation& m, Inode* inode, uint64_t offset, uint64_t length) {
  const uint64_t bs = options_.block_size;
  uint64_t end = std::min(inode->size, offset + length);
  if (offset >= end || inode->alloc_blocks == 0) return Status::Ok();
  std::vector<std::pair<uint64_t, std::string>> blocks;
  Status s = ForEachBlock(rocksdb::ReadOptions(), inode->ino, offset / bs, (end - 1) / bs,
                          [&](uint64_t index, std::string_view bytes) { blocks.emplace_back(index, bytes); });
  if (!s.ok()) return s;
  for (auto& [index, bytes] : blocks) {
    uint64_t start = index * bs;
    uint64_t from = std::max(offset, start) - start;
    uint64_t to = std::min(end, start + bs) - start;
    if (from == 0 && to >= bytes.size()) {
      m.batch()->Delete(db_->data(), BlockKey(inode->ino, index));
      inode->alloc_blocks--;
      m.AddUsedBlocks(-1);
    } else if (from < bytes.size()) {
      std::memset(&bytes[from], 0, std::min<uint64_t>(to, bytes.size()) - from);
      m.PutBlock(inode->ino, index, bytes);
    }
  }
  return Status::Ok();
}

}  // namespace rpuffs::storage
