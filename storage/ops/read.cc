// Read: from one snapshot, holes as zeros, short only at end of file. Atime
// follows a relatime-like rule: updated when it is not newer than mtime or
// ctime, or is more than 24 hours old; that update is its own small write.
#include <rocksdb/snapshot.h>

#include <algorithm>
#include <cerrno>

#include "storage/volume_impl.h"

namespace rpuffs::storage {
namespace {

constexpr int64_t kAtimeMaxAgeSec = 24 * 3600;

bool AtimeIsStale(const Inode& inode, const Timespec& now) {
  return inode.atime <= inode.mtime || inode.atime <= inode.ctime || now.sec - inode.atime.sec > kAtimeMaxAgeSec;
}

}  // namespace

Result<std::string> VolumeImpl::Read(Ino ino, uint64_t offset, uint32_t size) {
  if (size > kMaxIo) return Status(EINVAL);
  rocksdb::ManagedSnapshot snapshot(db_->db());
  rocksdb::ReadOptions ro;
  ro.snapshot = snapshot.snapshot();
  Inode inode;
  if (Status s = LoadInode(ino, &inode, ro); !s.ok()) return s;
  if (inode.is_dir()) return Status(EISDIR);
  if (!inode.is_reg()) return Status(EINVAL);
  std::string out;
  if (offset < inode.size && size > 0) {
    uint64_t end = std::min<uint64_t>(inode.size, offset + size);
    out.reserve(end - offset);
    const uint64_t bs = block_size();
    // Blocks arrive in index order: each is appended after the zeros of
    // the hole before it (no zero-fill of the whole reply first).
    Status s = ReadBlocks(ro, ino, offset / bs, (end - 1) / bs, [&](uint64_t index, std::string_view bytes) {
      uint64_t start = index * bs;
      uint64_t from = std::max(offset, start);
      uint64_t to = std::min(end, start + bytes.size());
      if (from >= to) return;
      out.append(from - offset - out.size(), '\0');
      out.append(bytes.data() + (from - start), to - from);
    });
    if (!s.ok()) return s;
    out.append(end - offset - out.size(), '\0');
  }
  Timespec now = Now();
  if (AtimeIsStale(inode, now)) {
    Outcome updated = RunLocked(
        OpId{}, [&] { return std::vector<Ino>{ino}; },
        [&](Mutation& m) -> Outcome {
          Inode fresh;
          if (!LoadInode(ino, &fresh).ok() || !AtimeIsStale(fresh, now)) return Outcome();
          fresh.atime = now;
          m.PutInode(fresh);
          return Outcome();
        });
    if (updated.err != 0) return Status(updated.err);
  }
  return out;
}

}  // namespace rpuffs::storage
