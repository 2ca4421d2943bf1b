#include "client/memfs/inode.h"

namespace rpuffs::memfs {

struct timespec Now() {
  struct timespec ts {};
  clock_gettime(CLOCK_REALTIME, &ts);
  return ts;
}

Inode::Inode(Ino ino, mode_t mode, uid_t uid, gid_t gid, dev_t rdev, ChunkArena& arena) : data(arena) {
  attr.st_ino = ino;
  attr.st_mode = mode;
  attr.st_nlink = S_ISDIR(mode) ? 1 : 0;
  attr.st_uid = uid;
  attr.st_gid = gid;
  attr.st_rdev = rdev;
  attr.st_atim = attr.st_mtim = attr.st_ctim = Now();
}

void Inode::TouchCtime() { attr.st_ctim = Now(); }

void Inode::TouchMtime() { attr.st_mtim = attr.st_ctim = Now(); }

struct stat Inode::Stat() const {
  struct stat st = attr;
  st.st_blksize = FileData::kBlockSize;
  if (is_reg()) {
    st.st_blocks = data.allocated_bytes() / 512;
  } else if (is_dir()) {
    // Directories report their entry count as size, like tmpfs does roughly.
    st.st_size = static_cast<off_t>(entries.size() + 2) * 20;
  } else if (is_symlink()) {
    st.st_size = static_cast<off_t>(target.size());
  }
  return st;
}

Inode* InodeTable::Find(Ino ino) const {
  auto it = inodes_.find(ino);
  return it == inodes_.end() ? nullptr : it->second.get();
}

Inode& InodeTable::Create(mode_t mode, uid_t uid, gid_t gid, dev_t rdev) {
  const Ino ino = next_ino_++;
  auto node = std::make_unique<Inode>(ino, mode, uid, gid, rdev, arena_);
  Inode& ref = *node;
  inodes_.emplace(ino, std::move(node));
  return ref;
}

void InodeTable::Erase(Ino ino) { inodes_.erase(ino); }

}  // namespace rpuffs::memfs
