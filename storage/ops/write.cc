// Write: merges the bytes into the blocks they touch (holes stay missing),
// grows the size, counts newly allocated blocks against capacity, clears
// S_ISUID/S_ISGID for non-root writers, one batch.
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <map>

#include "storage/access.h"
#include "storage/volume_impl.h"

namespace rpuffs::storage {

namespace {

// Adds the blocks of [offset, offset+data.size()) to the batch; returns how
// many did not exist before.
Result<int64_t> PutBlocks(VolumeImpl& v, Mutation& m, const Inode& inode, uint64_t offset, std::string_view data) {
  const uint64_t bs = v.block_size();
  const uint64_t end = offset + data.size();
  const uint64_t first = offset / bs, last = (end - 1) / bs;
  std::map<uint64_t, std::string> existing;
  Status s = v.ForEachBlock(rocksdb::ReadOptions(), inode.ino, first, last,
                            [&](uint64_t index, std::string_view bytes) {
                              // A fully overwritten block needs no old bytes.
                              uint64_t start = index * bs;
                              bool whole = offset <= start && end >= start + bs;
                              existing[index] = whole ? std::string() : std::string(bytes);
                            });
  if (!s.ok()) return s;
  int64_t fresh = 0;
  for (uint64_t index = first; index <= last; ++index) {
    uint64_t start = index * bs;
    uint64_t from = std::max(offset, start), to = std::min(end, start + bs);
    auto it = existing.find(index);
    if (it == existing.end()) ++fresh;
    if (from == start && to == start + bs) {
      m.PutBlock(inode.ino, index, data.substr(from - offset, bs));
      continue;
    }
    std::string block = it == existing.end() ? std::string() : std::move(it->second);
    if (block.size() < to - start) block.resize(to - start, '\0');
    block.replace(from - start, to - from, data.substr(from - offset, to - from));
    m.PutBlock(inode.ino, index, block);
  }
  return fresh;
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
      auto fresh = PutBlocks(*this, m, inode, at, data);
      if (!fresh.ok()) return Outcome{fresh.err()};
      if (Status s = CheckSpace(fresh.value()); !s.ok()) return Outcome{s.err()};
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
