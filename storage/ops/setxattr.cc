// SetXattr and RemoveXattr: the value under 'X'|ino|name, ctime updated,
// and the inode's xattr count kept exact in the same batch.
#include <sys/xattr.h>

#include <cerrno>
#include <memory>

#include "storage/access.h"
#include "storage/db.h"
#include "storage/keys.h"
#include "storage/volume_impl.h"

namespace rpuffs::storage {
namespace {

Status CheckXattrName(std::string_view name) {
  if (name.empty() || name.size() > kXattrNameMax) return Status(ERANGE);
  if (name.find('\0') != std::string_view::npos) return Status(EINVAL);
  return Status::Ok();
}

// An inode of an older volume (count unknown) learns its count at its first
// xattr change: its keys are counted under its lock, before the change.
Status KnowXattrCount(VolumeDb& db, Inode* inode) {
  if (inode->xattr_count != Inode::kXattrsUnknown) return Status::Ok();
  std::string end = Key1(KeyTag::kXattr, inode->ino + 1);
  rocksdb::ReadOptions ro;
  rocksdb::Slice upper(end);
  ro.iterate_upper_bound = &upper;
  std::unique_ptr<rocksdb::Iterator> it(db.db()->NewIterator(ro, db.meta()));
  uint32_t count = 0;
  for (it->Seek(Key1(KeyTag::kXattr, inode->ino)); it->Valid(); it->Next()) ++count;
  if (Status s = FromRocks(it->status()); !s.ok()) return s;
  inode->xattr_count = count;
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
    if (Status s = KnowXattrCount(*db_, &inode); !s.ok()) return Outcome{s.err()};
    m.PutMeta(key, value);
    if (!exists) inode.xattr_count++;
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
    if (Status s = KnowXattrCount(*db_, &inode); !s.ok()) return Outcome{s.err()};
    m.DeleteMeta(key);
    inode.xattr_count--;
    inode.ctime = Now();
    m.PutInode(inode);
    return Outcome();
  }));
}

}  // namespace rpuffs::storage
