// Write: puts whole blocks and patches partly written ones (block_patch.h),
// so no old block is read (holes stay missing); grows the size, counts newly
// allocated blocks against capacity, clears S_ISUID/S_ISGID for non-root
// writers, one batch.
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <vector>

#include "storage/access.h"
#include "storage/volume_impl.h"

namespace rpuffs::storage {

namespace {

// Which blocks of [first, last] are stored now. For a dense file (every block
// below EOF stored, none past it: files written front to back) that needs no
// block read, only a seek past EOF; otherwise the blocks are read.
Result<std::vector<bool>> StoredBlocks(VolumeImpl& v, const Inode& inode, uint64_t first, uint64_t last) {
  const uint64_t bs = v.block_size();
  const uint64_t below_eof = (inode.size + bs - 1) / bs;
  std::vector<bool> stored(last - first + 1, false);
  if (inode.alloc_blocks == below_eof) {
    bool past = false;
    if (Status s = v.HasBlockFrom(inode.ino, below_eof, &past); !s.ok()) return s;
    if (!past) {
      for (uint64_t index = first; index <= last && index < below_eof; ++index) stored[index - first] = true;
      return stored;
    }
  }
  Status s = v.ReadBlocks(rocksdb::ReadOptions(), inode.ino, first, last,
                          [&](uint64_t index, std::string_view) { stored[index - first] = true; });
  if (!s.ok()) return s;
  return stored;
}

// Adds the blocks of [offset, offset+data.size()) to the batch without
// reading them: whole blocks as Puts, partial ones as patches. Returns how
// many did not exist before.
Result<int64_t> PutBlocks(VolumeImpl& v, Mutation& m, const Inode& inode, uint64_t offset, std::string_view data) {
  const uint64_t bs = v.block_size();
  const uint64_t end = offset + data.size();
  const uint64_t first = offset / bs, last = (end - 1) / bs;
  auto stored = StoredBlocks(v, inode, first, last);
  if (!stored.ok()) return stored.status();
  int64_t fresh = 0;
  for (uint64_t index = first; index <= last; ++index) {
    if (!stored.value()[index - first]) ++fresh;
    uint64_t start = index * bs;
    uint64_t from = std::max(offset, start), to = std::min(end, start + bs);
    std::string_view bytes = data.substr(from - offset, to - from);
    if (from == start && to == start + bs) {
      m.PutBlock(inode.ino, index, bytes);
    } else {
      m.PatchBlock(inode.ino, index, static_cast<uint32_t>(from - start), bytes);
    }
  }
  return fresh;
}

// A fresh batch with room for the blocks of a `bytes`-byte write and the
// metadata records that follow them. Grown as needed, a 1 MiB write's batch
// was reallocated five times (each a fresh mapping to fault in and a copy of
// what it held so far): the largest source of page faults in rpuffsd on
// sequential writes (bench/server/data_path.md).
void ReserveBatch(Mutation& m, size_t bytes, uint64_t blocks) {
  constexpr size_t kPerRecord = 64;    // key, tags, lengths of one block
  constexpr size_t kMetadata = 4096;   // inode, retry record, counters
  if (m.batch()->Count() != 0 || bytes < kMetadata) return;
  *m.batch() = rocksdb::WriteBatch(bytes + blocks * kPerRecord + kMetadata);
}

}  // namespace

Result<WriteOut> VolumeImpl::Write(const OpId& op, const Caller& c, Ino ino, uint64_t offset, std::string_view data,
                                   bool append) {
  if (data.size() > kMaxIo) return Status(EINVAL);
  Outcome out = RunOnInode(op, ino, [&](Mutation& m, Inode& inode) -> Outcome {
    if (inode.is_dir()) return Outcome{EISDIR};
    if (!inode.is_reg()) return Outcome{EINVAL};
    uint64_t at = append ? inode.size : offset;
    if (at > kMaxFileSize || data.size() > kMaxFileSize - at) return Outcome{EFBIG};
    Outcome result;
    if (!data.empty()) {
      ReserveBatch(m, data.size(), data.size() / block_size() + 2);
      auto fresh = PutBlocks(*this, m, inode, at, data);
      if (!fresh.ok()) return Outcome{fresh.err()};
      if (Status s = CheckSpace(fresh.value(), data.size()); !s.ok()) return Outcome{s.err()};
      inode.alloc_blocks += fresh.value();
      m.AddUsedBlocks(fresh.value());
      inode.size = std::max<uint64_t>(inode.size, at + data.size());
      inode.mtime = inode.ctime = Now();
      if (!c.is_root()) inode.mode = KillSuidBits(inode.mode);
      m.PutInode(inode);
    }
    result.count = static_cast<uint32_t>(data.size());
    result.attr = inode.ToAttr(block_size());
    return result;
  });
  if (out.err != 0) return Status(out.err);
  return WriteOut{out.count, out.attr};
}

}  // namespace rpuffs::storage
