// Fallocate: mode 0 extends the size (space is checked, not reserved: blocks
// stay holes until written), KEEP_SIZE only checks space, PUNCH_HOLE|KEEP_SIZE
// zeroes a range and frees its whole blocks.
#include <fcntl.h>
#include <linux/falloc.h>

#include <cerrno>

#include "storage/volume_impl.h"

namespace rpuffs::storage {

Result<Attr> VolumeImpl::Fallocate(const OpId& op, const Caller& c, Ino ino, uint32_t mode, uint64_t offset,
                                   uint64_t length) {
  const bool punch = mode == (FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE);
  if (mode != 0 && mode != FALLOC_FL_KEEP_SIZE && !punch) return Status(EOPNOTSUPP);
  if (length == 0) return Status(EINVAL);
  if (offset > kMaxFileSize || length > kMaxFileSize - offset) return Status(EFBIG);
  return AttrOf(RunOnInode(op, ino, [&](Mutation& m, Inode& inode) -> Outcome {
    if (inode.is_dir()) return Outcome{EISDIR};
    if (!inode.is_reg()) return Outcome{ENODEV};
    if (punch) {
      if (Status s = PunchHole(m, &inode, offset, length); !s.ok()) return Outcome{s.err()};
      inode.mtime = inode.ctime = Now();
    } else {
      uint64_t bs = block_size();
      uint64_t wanted = (offset + length + bs - 1) / bs;
      int64_t missing = static_cast<int64_t>(wanted) - static_cast<int64_t>(inode.alloc_blocks);
      if (Status s = CheckSpace(missing); !s.ok()) return Outcome{s.err()};
      if (mode == 0 && offset + length > inode.size) {
        inode.size = offset + length;
        inode.mtime = inode.ctime = Now();
      }
    }
    m.PutInode(inode);
    Outcome out;
    out.attr = inode.ToAttr(block_size());
    return out;
  }));
}

}  // namespace rpuffs::storage
