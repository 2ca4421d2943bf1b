// SetAttr: chmod, chown, truncate and utimes with Linux's permission rules
// (setattr_prepare/notify_change), one batch, ctime always updated.
#include <sys/stat.h>

#include <cerrno>

#include "storage/access.h"
#include "storage/volume_impl.h"

namespace rpuffs::storage {
namespace {

void ApplyOwnerAndMode(const Caller& c, Inode* inode, const SetAttrIn& in) {
  if (in.valid & SetAttrIn::kMode) {
    inode->mode = (inode->mode & S_IFMT) | (in.mode & 07777);
    if (!c.is_root() && !InGroup(c, inode->gid)) inode->mode &= ~static_cast<uint32_t>(S_ISGID);
  }
  if (in.valid & (SetAttrIn::kUid | SetAttrIn::kGid)) {
    if (in.valid & SetAttrIn::kUid) inode->uid = in.uid;
    if (in.valid & SetAttrIn::kGid) inode->gid = in.gid;
    // Linux clears these on chown of a non-directory, by root too.
    if (!inode->is_dir() && !(in.valid & SetAttrIn::kMode)) inode->mode = KillSuidBits(inode->mode);
  }
  if (in.valid & SetAttrIn::kKillSuidGid) inode->mode = KillSuidBits(inode->mode);
}

void ApplyTimes(Inode* inode, const SetAttrIn& in, const Timespec& now) {
  if (in.valid & SetAttrIn::kAtimeNow) inode->atime = now;
  else if (in.valid & SetAttrIn::kAtime) inode->atime = in.atime;
  if (in.valid & SetAttrIn::kMtimeNow) inode->mtime = now;
  else if (in.valid & SetAttrIn::kMtime) inode->mtime = in.mtime;
}

}  // namespace

Result<Attr> VolumeImpl::SetAttr(const OpId& op, const Caller& c, Ino ino, const SetAttrIn& in) {
  if ((in.valid & SetAttrIn::kSize) && in.size > kMaxFileSize) return Status(EFBIG);
  if (((in.valid & SetAttrIn::kAtime) && in.atime.nsec >= 1000000000u) ||
      ((in.valid & SetAttrIn::kMtime) && in.mtime.nsec >= 1000000000u))
    return Status(EINVAL);
  return AttrOf(RunOnInode(op, ino, [&](Mutation& m, Inode& inode) -> Outcome {
    if (Status s = CheckSetAttr(c, inode, in); !s.ok()) return Outcome{s.err()};
    Timespec now = Now();
    if (in.valid & SetAttrIn::kSize) {
      if (inode.is_dir()) return Outcome{EISDIR};
      if (!inode.is_reg()) return Outcome{EINVAL};
      if (Status s = CheckAccess(c, inode, kMayWrite); !s.ok()) return Outcome{s.err()};
      if (Status s = Resize(m, &inode, in.size); !s.ok()) return Outcome{s.err()};
      inode.mtime = now;
      if (!c.is_root()) inode.mode = KillSuidBits(inode.mode);
    }
    ApplyOwnerAndMode(c, &inode, in);
    ApplyTimes(&inode, in, now);
    inode.ctime = now;
    m.PutInode(inode);
    Outcome out;
    out.attr = inode.ToAttr(block_size());
    return out;
  }));
}

}  // namespace rpuffs::storage
