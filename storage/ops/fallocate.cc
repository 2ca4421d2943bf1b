// Fallocate: mode 0 and KEEP_SIZE reserve every missing block of the range as
// an empty block record (allocated, counted in st_blocks and statfs, reads as
// zeros: a block never holds bytes past what was written); mode 0 also
// extends the size. Ranges over kMaxReservedBlocks are checked, not reserved,
// so one call never builds a huge batch. PUNCH_HOLE|KEEP_SIZE zeroes a range
// and frees its whole blocks.
#include <fcntl.h>
#include <linux/falloc.h>

#include <algorithm>
#include <cerrno>
#include <vector>

#include "storage/volume_impl.h"

namespace rpuffs::storage {
namespace {

constexpr uint64_t kMaxReservedBlocks = 1u << 16;  // 4 GiB of 64 KiB blocks

}  // namespace

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
      uint64_t first = offset / bs, last = (offset + length - 1) / bs;
      if (last - first + 1 > kMaxReservedBlocks) {
        uint64_t wanted = last + 1;
        int64_t missing = static_cast<int64_t>(wanted) - static_cast<int64_t>(inode.alloc_blocks);
        if (Status s = CheckSpace(missing); !s.ok()) return Outcome{s.err()};
      } else {
        std::vector<bool> present(last - first + 1, false);
        Status s = ForEachBlock(rocksdb::ReadOptions(), inode.ino, first, last,
                                [&](uint64_t index, std::string_view) { present[index - first] = true; });
        if (!s.ok()) return Outcome{s.err()};
        int64_t missing = std::count(present.begin(), present.end(), false);
        if (Status s = CheckSpace(missing); !s.ok()) return Outcome{s.err()};
        for (uint64_t index = first; index <= last; ++index) {
          if (!present[index - first]) m.PutBlock(inode.ino, index, std::string_view());
        }
        inode.alloc_blocks += missing;
        m.AddUsedBlocks(missing);
        if (missing > 0) inode.ctime = Now();
      }
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
