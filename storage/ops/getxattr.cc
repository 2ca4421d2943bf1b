// GetXattr and ListXattr: lock-free reads (ListXattr hides trusted.* from
// non-root callers, as Linux does).
#include <cerrno>

#include "storage/access.h"
#include "storage/keys.h"
#include "storage/volume_impl.h"

namespace rpuffs::storage {

Result<std::string> VolumeImpl::GetXattr(const Caller& c, Ino ino, std::string_view name) {
  if (name.empty() || name.size() > kXattrNameMax) return Status(ERANGE);
  Inode inode;
  if (Status s = LoadInode(ino, &inode); !s.ok()) return s;
  if (Status s = CheckXattrAccess(c, inode, XattrNamespaceOf(name), kMayRead); !s.ok()) return s;
  std::string value;
  if (Status s = db_->GetMeta(XattrKey(ino, name), &value); !s.ok())
    return Status(s.err() == ENOENT ? ENODATA : s.err());
  return value;
}

Result<std::vector<std::string>> VolumeImpl::ListXattr(const Caller& c, Ino ino) {
  Inode inode;
  if (Status s = LoadInode(ino, &inode); !s.ok()) return s;
  if (inode.xattr_count == 0) return std::vector<std::string>{};  // exact: no scan needed
  std::string prefix = Key1(KeyTag::kXattr, ino);
  std::string end = Key1(KeyTag::kXattr, ino + 1);
  rocksdb::ReadOptions ro;
  rocksdb::Slice upper(end);
  ro.iterate_upper_bound = &upper;
  std::unique_ptr<rocksdb::Iterator> it(db_->db()->NewIterator(ro, db_->meta()));
  std::vector<std::string> names;
  for (it->Seek(prefix); it->Valid(); it->Next()) {
    std::string name = it->key().ToString().substr(prefix.size());
    if (XattrNamespaceOf(name) == XattrNamespace::kTrusted && !c.is_root()) continue;
    names.push_back(std::move(name));
  }
  if (Status s = FromRocks(it->status()); !s.ok()) return s;
  return names;
}

}  // namespace rpuffs::storage
