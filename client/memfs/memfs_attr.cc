// MemFs setattr: chmod, chown, truncate, utimes, and the suid/sgid rules.
#include <fuse_lowlevel.h>
#include <unistd.h>

#include "client/memfs/access.h"
#include "client/memfs/memfs.h"

namespace rpuffs::memfs {
namespace {

bool SetsExplicitTime(const puffs::SetAttrIn& in) {
  const int valid = in.valid;
  // Under the writeback cache the kernel sends utimes-to-now as ATIME_NOW
  // with an explicit mtime of its own; an explicit mtime from the caller
  // was already refused to a non-owner by the kernel (default_permissions
  // is always on, main.cc), so the pair counts as "now".
  const bool kernel_now = in.writeback_cache && (valid & FUSE_SET_ATTR_ATIME_NOW);
  return ((valid & FUSE_SET_ATTR_ATIME) && !(valid & FUSE_SET_ATTR_ATIME_NOW)) ||
         ((valid & FUSE_SET_ATTR_MTIME) && !(valid & FUSE_SET_ATTR_MTIME_NOW) && !kernel_now);
}

// chown(2): only root gives a file away; the owner may keep its uid.
bool MayChown(const puffs::Request& req, const Inode& node, uid_t uid) {
  return IsRoot(req) || (req.caller().uid == node.attr.st_uid && uid == node.attr.st_uid);
}

// chgrp: root, or the owner to a group it belongs to (or the current one).
bool MayChgrp(puffs::Request& req, const Inode& node, gid_t gid) {
  if (IsRoot(req)) return true;
  if (req.caller().uid != node.attr.st_uid) return false;
  return gid == node.attr.st_gid || InGroup(req, gid);
}

}  // namespace

int MemFs::CheckSetattr(puffs::Request& req, const Inode& node, const puffs::SetAttrIn& in) {
  const int valid = in.valid;
  if ((valid & FUSE_SET_ATTR_UID) && !MayChown(req, node, in.attr.st_uid)) return EPERM;
  if ((valid & FUSE_SET_ATTR_GID) && !MayChgrp(req, node, in.attr.st_gid)) return EPERM;
  if ((valid & FUSE_SET_ATTR_MODE) && !IsOwnerOrRoot(req, node)) return EPERM;
  if (valid & FUSE_SET_ATTR_SIZE) {
    if (node.is_dir()) return EISDIR;
    if (!node.is_reg()) return EINVAL;
    if (in.attr.st_size < 0) return EINVAL;
    if (static_cast<uint64_t>(in.attr.st_size) > kMaxFileSize) return EFBIG;
    // ftruncate was checked when the handle was opened for writing.
    if (!in.fh && !MayAccess(req, node, W_OK)) return EACCES;
  }
  if (SetsExplicitTime(in)) {
    if (!IsOwnerOrRoot(req, node)) return EPERM;
  } else if (valid & (FUSE_SET_ATTR_ATIME | FUSE_SET_ATTR_MTIME)) {
    // Setting times to now needs ownership or write access.
    if (!IsOwnerOrRoot(req, node) && !MayAccess(req, node, W_OK)) return EACCES;
  }
  return 0;
}

void MemFs::ApplySetattr(puffs::Request& req, Inode& node, const puffs::SetAttrIn& in) {
  const int valid = in.valid;
  struct stat& attr = node.attr;
  if (valid & FUSE_SET_ATTR_MODE) {
    attr.st_mode = (attr.st_mode & S_IFMT) | (in.attr.st_mode & 07777);
  }
  if (valid & (FUSE_SET_ATTR_UID | FUSE_SET_ATTR_GID)) {
    if (valid & FUSE_SET_ATTR_UID) attr.st_uid = in.attr.st_uid;
    if (valid & FUSE_SET_ATTR_GID) attr.st_gid = in.attr.st_gid;
    // chown clears set-id bits of anything but a directory, even for root.
    DropCapability(node);
    if (!node.is_dir()) {
      attr.st_mode &= ~S_ISUID;
      if (attr.st_mode & S_IXGRP) attr.st_mode &= ~S_ISGID;
    }
  }
  // A non-root chmod keeps S_ISGID only if the caller is in the file's group.
  if ((valid & FUSE_SET_ATTR_MODE) && (attr.st_mode & S_ISGID) && !IsRoot(req) &&
      !InGroup(req, attr.st_gid)) {
    attr.st_mode &= ~S_ISGID;
  }
  if (valid & FUSE_SET_ATTR_SIZE) {
    const uint64_t size = static_cast<uint64_t>(in.attr.st_size);
    if (size < static_cast<uint64_t>(attr.st_size)) {
      ChangeData(node, [&](FileData& data) { data.Truncate(size); });
    }
    attr.st_size = in.attr.st_size;
    DropPrivilegesOnWrite(req, node, in.kill_suidgid);
    node.TouchMtime();
  }
  if (valid & FUSE_SET_ATTR_KILL_SUID) attr.st_mode &= ~S_ISUID;
  if (valid & FUSE_SET_ATTR_KILL_SGID) attr.st_mode &= ~S_ISGID;
  const struct timespec now = Now();
  if (valid & FUSE_SET_ATTR_ATIME) {
    attr.st_atim = (valid & FUSE_SET_ATTR_ATIME_NOW) ? now : in.attr.st_atim;
  }
  if (valid & FUSE_SET_ATTR_MTIME) {
    attr.st_mtim = (valid & FUSE_SET_ATTR_MTIME_NOW) ? now : in.attr.st_mtim;
  }
  attr.st_ctim = (valid & FUSE_SET_ATTR_CTIME) ? in.attr.st_ctim : now;
}

int MemFs::Setattr(puffs::Request& req, Ino ino, const puffs::SetAttrIn& in,
                   puffs::AttrOut* out) {
  Inode* node = table_.Find(ino);
  if (!node) return ENOENT;
  if (int err = CheckSetattr(req, *node, in)) return err;
  ApplySetattr(req, *node, in);
  FillAttr(*node, out);
  return 0;
}

}  // namespace rpuffs::memfs
