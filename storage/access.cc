#include "storage/access.h"

#include <sys/stat.h>

#include <cerrno>

namespace rpuffs::storage {

bool InGroup(const Caller& c, uint32_t gid) {
  if (c.gid == gid) return true;
  for (uint32_t g : c.groups)
    if (g == gid) return true;
  return false;
}

bool OwnsOrRoot(const Caller& c, const Inode& inode) { return c.is_root() || c.uid == inode.uid; }

Status CheckAccess(const Caller& c, const Inode& inode, int mask) {
  if (c.is_root()) {
    // Root may execute a non-directory only if someone may.
    if ((mask & kMayExec) && !inode.is_dir() && (inode.mode & (S_IXUSR | S_IXGRP | S_IXOTH)) == 0)
      return Status(EACCES);
    return Status::Ok();
  }
  uint32_t bits;
  if (c.uid == inode.uid) {
    bits = (inode.mode >> 6) & 7;
  } else if (InGroup(c, inode.gid)) {
    bits = (inode.mode >> 3) & 7;
  } else {
    bits = inode.mode & 7;
  }
  if ((bits & static_cast<uint32_t>(mask)) != static_cast<uint32_t>(mask)) return Status(EACCES);
  return Status::Ok();
}

Status CheckDirWritable(const Caller& c, const Inode& dir) {
  if (!dir.is_dir()) return Status(ENOTDIR);
  return CheckAccess(c, dir, kMayWrite | kMayExec);
}

Status CheckSticky(const Caller& c, const Inode& dir, const Inode& victim) {
  if ((dir.mode & S_ISVTX) == 0 || c.is_root()) return Status::Ok();
  if (c.uid == dir.uid || c.uid == victim.uid) return Status::Ok();
  return Status(EPERM);
}

uint32_t KillSuidBits(uint32_t mode) {
  uint32_t out = mode & ~static_cast<uint32_t>(S_ISUID);
  if (mode & S_IXGRP) out &= ~static_cast<uint32_t>(S_ISGID);
  return out;
}

Status CheckSetAttr(const Caller& c, const Inode& inode, const SetAttrIn& in) {
  if (c.is_root()) return Status::Ok();
  if ((in.valid & SetAttrIn::kMode) && c.uid != inode.uid) return Status(EPERM);
  if ((in.valid & SetAttrIn::kUid) && (c.uid != inode.uid || in.uid != inode.uid)) return Status(EPERM);
  if ((in.valid & SetAttrIn::kGid) && (c.uid != inode.uid || (in.gid != inode.gid && !InGroup(c, in.gid))))
    return Status(EPERM);
  // Explicit times only for the owner; "now" for anyone who may write.
  if ((in.valid & (SetAttrIn::kAtime | SetAttrIn::kMtime)) && c.uid != inode.uid) return Status(EPERM);
  if ((in.valid & (SetAttrIn::kAtimeNow | SetAttrIn::kMtimeNow)) && c.uid != inode.uid)
    return CheckAccess(c, inode, kMayWrite);
  return Status::Ok();
}

XattrNamespace XattrNamespaceOf(std::string_view name) {
  auto starts = [&](std::string_view p) { return name.size() > p.size() && name.substr(0, p.size()) == p; };
  if (starts("user.")) return XattrNamespace::kUser;
  if (starts("trusted.")) return XattrNamespace::kTrusted;
  if (starts("security.")) return XattrNamespace::kSecurity;
  if (name == "system.posix_acl_access" || name == "system.posix_acl_default") return XattrNamespace::kPosixAcl;
  return XattrNamespace::kUnsupported;
}

Status CheckXattrAccess(const Caller& c, const Inode& inode, XattrNamespace ns, int mask) {
  const bool write = mask & kMayWrite;
  switch (ns) {
    case XattrNamespace::kUnsupported:
      return Status(EOPNOTSUPP);
    case XattrNamespace::kUser:
      if (!inode.is_reg() && !inode.is_dir()) return Status(write ? EPERM : ENODATA);
      return CheckAccess(c, inode, mask);
    case XattrNamespace::kTrusted:
      if (!c.is_root()) return Status(write ? EPERM : ENODATA);
      return Status::Ok();
    case XattrNamespace::kSecurity:
      return write && !c.is_root() ? Status(EPERM) : Status::Ok();
    case XattrNamespace::kPosixAcl:
      return write && !OwnsOrRoot(c, inode) ? Status(EPERM) : Status::Ok();
  }
  return Status(EOPNOTSUPP);
}

}  // namespace rpuffs::storage
