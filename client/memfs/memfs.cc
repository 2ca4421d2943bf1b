// MemFs: construction, the ops table, and the steps every op shares.
#include "client/memfs/memfs.h"

#include <sys/statvfs.h>
#include <unistd.h>

#include <algorithm>

#include "client/memfs/access.h"

namespace rpuffs::memfs {
namespace {

uint64_t HalfOfPhysicalMemory() {
  const long pages = sysconf(_SC_PHYS_PAGES);
  const long page_size = sysconf(_SC_PAGESIZE);
  if (pages <= 0 || page_size <= 0) return uint64_t{1} << 30;
  return static_cast<uint64_t>(pages) * static_cast<uint64_t>(page_size) / 2;
}

}  // namespace

MemFs::MemFs(MemFsOptions options) : options_(options) {
  capacity_bytes_ = options_.capacity_bytes ? options_.capacity_bytes : HalfOfPhysicalMemory();
  max_inodes_ = options_.max_inodes ? options_.max_inodes
                                    : std::max<uint64_t>(capacity_bytes_ / 4096, 65536);
  Inode& root = table_.Create(S_IFDIR | (options_.root_mode & 07777),
                              options_.root_uid.value_or(geteuid()),
                              options_.root_gid.value_or(getegid()), 0);
  root.attr.st_nlink = 2;  // "." and its own ".."
  root.parent = root.attr.st_ino;
}

int MemFs::DirFor(puffs::Request& req, Ino ino, int mask, Inode** dir, bool for_create) {
  Inode* node = table_.Find(ino);
  if (!node) return ENOENT;
  if (!node->is_dir()) return ENOTDIR;
  if (!MayAccess(req, *node, mask)) return EACCES;
  if (for_create && node->attr.st_nlink == 0) return ENOENT;
  *dir = node;
  return 0;
}

int MemFs::CheckNewEntry(const Inode& dir, const std::string& name) const {
  if (name.size() > kNameMax) return ENAMETOOLONG;
  if (dir.entries.Find(name)) return EEXIST;
  if (table_.size() >= max_inodes_) return ENOSPC;
  return 0;
}

Inode& MemFs::NewInode(puffs::Request& req, const Inode& dir, mode_t mode, dev_t rdev) {
  const puffs::Caller& caller = req.caller();
  mode_t perm = mode & 07777;
  if (!S_ISLNK(mode)) perm &= ~caller.umask;
  gid_t gid = caller.gid;
  if (dir.attr.st_mode & S_ISGID) {
    // A setgid directory hands its group on, and its setgid bit to subdirectories.
    gid = dir.attr.st_gid;
    if (S_ISDIR(mode)) {
      perm |= S_ISGID;
    } else if ((perm & (S_ISGID | S_IXGRP)) == (S_ISGID | S_IXGRP) && !IsRoot(req) &&
               !InGroup(req, gid)) {
      perm &= ~S_ISGID;
    }
  }
  return table_.Create((mode & S_IFMT) | perm, caller.uid, gid, rdev);
}

void MemFs::AddEntry(Inode& dir, const std::string& name, Inode& child) {
  dir.entries.Add(name, child.attr.st_ino, child.type());
  ++child.attr.st_nlink;
  if (child.is_dir()) {
    child.parent = dir.attr.st_ino;
    ++dir.attr.st_nlink;  // the child's ".."
  }
  child.TouchCtime();
  dir.TouchMtime();
}

void MemFs::RemoveEntry(Inode& dir, const std::string& name, Inode& child) {
  dir.entries.Remove(name);
  if (child.is_dir()) {
    child.attr.st_nlink = 0;
    --dir.attr.st_nlink;
  } else {
    --child.attr.st_nlink;
  }
  child.TouchCtime();
  dir.TouchMtime();
  MaybeFree(child);
}

void MemFs::FillAttr(const Inode& node, puffs::AttrOut* out) const {
  out->attr = node.Stat();
  out->timeout = options_.attr_timeout;
}

void MemFs::FillEntry(Inode& node, puffs::Entry* out) {
  node.kernel_known = true;
  out->ino = node.attr.st_ino;
  out->generation = 0;
  out->attr = node.Stat();
  out->attr_timeout = options_.attr_timeout;
  out->entry_timeout = options_.entry_timeout;
}

int MemFs::MissingEntry(const Inode& dir, puffs::Entry* out) const {
  // A removed directory can get no new names: nothing worth caching there.
  if (options_.negative_timeout <= 0 || dir.attr.st_nlink == 0) return ENOENT;
  *out = puffs::Entry();
  out->ino = 0;
  out->entry_timeout = options_.negative_timeout;
  out->attr_timeout = 0;
  return 0;
}

void MemFs::MaybeFree(Inode& node) {
  if (node.attr.st_nlink > 0 || node.open_count > 0 || node.kernel_known) return;
  if (node.attr.st_ino == puffs::kRootIno) return;
  used_bytes_ -= node.data.allocated_bytes();
  table_.Erase(node.attr.st_ino);
}

uint64_t MemFs::OpenHandle(Inode& node, int flags) {
  const uint64_t fh = next_handle_++;
  handles_.emplace(fh, Handle{node.attr.st_ino, flags});
  ++node.open_count;
  return fh;
}

void MemFs::CloseHandle(Ino ino, uint64_t fh) {
  handles_.erase(fh);
  Inode* node = table_.Find(ino);
  if (!node) return;
  if (node->open_count > 0) --node->open_count;
  MaybeFree(*node);
}

void MemFs::Reclaim(Ino ino) {
  Inode* node = table_.Find(ino);
  if (!node) return;
  node->kernel_known = false;
  MaybeFree(*node);
}

int MemFs::Getattr(puffs::Request& req, Ino ino, puffs::AttrOut* out) {
  Inode* node = table_.Find(ino);
  if (!node) return ENOENT;
  FillAttr(*node, out);
  return 0;
}

int MemFs::Statfs(puffs::Request& req, Ino ino, struct statvfs* out) {
  const uint64_t block = FileData::kBlockSize;
  *out = {};
  out->f_bsize = block;
  out->f_frsize = block;
  out->f_blocks = capacity_bytes_ / block;
  out->f_bfree = out->f_bavail = (capacity_bytes_ - std::min(used_bytes_, capacity_bytes_)) / block;
  out->f_files = max_inodes_;
  out->f_ffree = out->f_favail = max_inodes_ - std::min<uint64_t>(table_.size(), max_inodes_);
  out->f_namemax = kNameMax;
  return 0;
}

puffs::Ops MemFs::MakeOps() {
  // flush, fsync and fsyncdir are left out on purpose: there is nothing to
  // write back, and the kernel takes the first ENOSYS as "always succeeds"
  // and stops sending them, which saves a round trip on every close().
  using namespace std::placeholders;
  puffs::Ops ops;
  ops.lookup = std::bind(&MemFs::Lookup, this, _1, _2, _3, _4);
  ops.reclaim = std::bind(&MemFs::Reclaim, this, _1);
  ops.getattr = std::bind(&MemFs::Getattr, this, _1, _2, _3);
  ops.setattr = std::bind(&MemFs::Setattr, this, _1, _2, _3, _4);
  ops.readlink = std::bind(&MemFs::Readlink, this, _1, _2, _3);
  ops.mknod = std::bind(&MemFs::Mknod, this, _1, _2, _3, _4, _5, _6);
  ops.mkdir = std::bind(&MemFs::Mkdir, this, _1, _2, _3, _4, _5);
  ops.unlink = std::bind(&MemFs::Unlink, this, _1, _2, _3);
  ops.rmdir = std::bind(&MemFs::Rmdir, this, _1, _2, _3);
  ops.symlink = std::bind(&MemFs::Symlink, this, _1, _2, _3, _4, _5);
  ops.rename = std::bind(&MemFs::Rename, this, _1, _2, _3, _4, _5, _6);
  ops.link = std::bind(&MemFs::Link, this, _1, _2, _3, _4, _5);
  ops.open = std::bind(&MemFs::Open, this, _1, _2, _3);
  ops.create = std::bind(&MemFs::Create, this, _1, _2, _3, _4, _5, _6);
  ops.read = std::bind(&MemFs::Read, this, _1, _2, _3, _4, _5, _6);
  ops.write = std::bind(&MemFs::Write, this, _1, _2, _3, _4, _5, _6, _7);
  ops.release = std::bind(&MemFs::Release, this, _1, _2, _3);
  ops.fallocate = std::bind(&MemFs::Fallocate, this, _1, _2, _3, _4, _5, _6);
  ops.opendir = std::bind(&MemFs::Opendir, this, _1, _2, _3);
  ops.readdir = std::bind(&MemFs::Readdir, this, _1, _2, _3, _4, _5, _6);
  ops.releasedir = std::bind(&MemFs::Releasedir, this, _1, _2, _3);
  ops.statfs = std::bind(&MemFs::Statfs, this, _1, _2, _3);
  ops.setxattr = std::bind(&MemFs::Setxattr, this, _1, _2, _3, _4, _5);
  ops.getxattr = std::bind(&MemFs::Getxattr, this, _1, _2, _3, _4);
  ops.listxattr = std::bind(&MemFs::Listxattr, this, _1, _2, _3);
  ops.removexattr = std::bind(&MemFs::Removexattr, this, _1, _2, _3);
  return ops;
}

}  // namespace rpuffs::memfs
