// Statfs: blocks from capacity_bytes (or the data dir's filesystem when 0,
// bavail less the headroom DiskRoom keeps) and the used-block counter; files
// from max_inodes and the inode counter.
#include <sys/statvfs.h>

#include <algorithm>

#include "storage/volume_impl.h"

namespace rpuffs::storage {

Result<StatFs> VolumeImpl::Statfs() {
  StatFs out;
  const uint64_t bs = block_size();
  out.bsize = out.frsize = static_cast<uint32_t>(bs);
  uint64_t used = static_cast<uint64_t>(std::max<int64_t>(0, used_blocks_.load()));
  if (options_.capacity_bytes != 0) {
    out.blocks = options_.capacity_bytes / bs;
    out.bfree = out.bavail = out.blocks > used ? out.blocks - used : 0;
  } else {
    struct statvfs fs {};
    if (room_ != nullptr && statvfs(path_.c_str(), &fs) == 0) {
      out.blocks = fs.f_blocks * fs.f_frsize / bs;
      out.bfree = fs.f_bfree * fs.f_frsize / bs;
      // What a writer can still use: RocksDB's headroom is not offered.
      const uint64_t avail = fs.f_bavail * fs.f_frsize, kept = room_->Kept();
      out.bavail = (avail > kept ? avail - kept : 0) / bs;
    } else {
      out.blocks = (1ull << 40) / bs;  // MemEnv: a nominal 1 TiB
      out.bfree = out.bavail = out.blocks > used ? out.blocks - used : 0;
    }
  }
  uint64_t inodes = static_cast<uint64_t>(std::max<int64_t>(0, inodes_.load()));
  out.files = options_.max_inodes;
  out.ffree = out.files > inodes ? out.files - inodes : 0;
  out.namemax = kNameMax;
  return out;
}

}  // namespace rpuffs::storage
