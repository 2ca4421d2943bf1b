// SetXattr and RemoveXattr: the value under 'X'|ino|name, ctime updated.
#include <sys/xattr.h>

#include <cerrno>

#include "storage/access.h"
#include "storage/keys.h"
#include "storage/volume_impl.h"

namespace rpuffs::storage {
namespace {

Status CheckXattrName(std::string_view name) {
  if (name.empty() || name.size() > kXattrNameMax) return Status(ERANGE);
  if (name.find('\0') != std::string_view::npos) return Status(EINVAL);
  return Status::Ok();
}

}  // namespace

Outcome VolumeImpl::CheckXattrChange(const Caller& c, const Inode& inode, std::string_view name, std::string* key,
                                     bool* exists) {
  if (Status s = CheckXattrAccess(c, inode, XattrNamespaceOf(name), kMayWrite); !s.ok()) return Outcome{s.err()};
  *key = XattrKey(inode.ino, name);
  std::string old;
  Status s = db_->GetMeta(*key, &old);
  if (!s.ok() && s.err() != ENOENT) return Outcome{s.err()};
  *exists = s.ok();
  return Outcome();
}

Status VolumeImpl::SetXattr(const OpId& op, const Caller& c, Ino ino, std::string_view name, std::string_view value,
                            uint32_t flags) {
  if (Status s = CheckXattrName(name); !s.ok()) return s;
  if (value.size() > kXattrValueMax) return Status(E2BIG);
  if (flags & ~static_cast<uint32_t>(XATTR_CREATE | XATTR_REPLACE)) return Status(EINVAL);
  return StatusOf(RunOnInode(op, ino, [&](Mutation& m, Inode& inode) -> Outcome {
    std::string key;
    bool exists = false;
    if (Outcome o = CheckXattrChange(c, inode, name, &key, &exists); o.err) return o;
    if (exists && (flags & XATTR_CREATE)) return Outcome{EEXIST};
    if (!exists && (flags & XATTR_REPLACE)) return Outcome{ENODATA};
    m.PutMeta(key, value);
    inode.ctime = Now();
    m.PutInode(inode);
    return Outcome();
  }));
}

Status VolumeImpl::RemoveXattr(const OpId& op, const Caller& c, Ino ino, std::string_view name) {
  if (Status s = CheckXattrName(name); !s.ok()) return s;
  return StatusOf(RunOnInode(op, ino, [&](Mutation& m, Inode& inode) -> Outcome {
    std::string key;
    bool exists = false;
    if (Outcome o = CheckXattrChange(c, inode, name, &key, &exists); o.err) return o;
    if (!exists) return Outcome{ENODATA};
    m.DeleteMeta(key);
    inode.ctime = Now();
    m.PutInode(inode);
    return Outcome();
  }));
}

}  // namespace rpuffs::storage
