// Lookup and GetAttr: lock-free point reads.
#include <cerrno>

#include "storage/access.h"
#include "storage/volume_impl.h"

namespace rpuffs::storage {

Result<Attr> VolumeImpl::Lookup(const Caller& c, Ino parent, std::string_view name) {
  if (Status s = CheckName(name); !s.ok()) return s;
  Inode dir;
  if (Status s = LoadDir(c, parent, kMayExec, &dir); !s.ok()) return s;
  if (name == ".") return dir.ToAttr(block_size());
  if (name == "..") return GetAttr(dir.parent);
  Inode child;
  if (Status s = LoadChild(parent, name, &child); !s.ok()) return s;
  return child.ToAttr(block_size());
}

Result<Attr> VolumeImpl::GetAttr(Ino ino) {
  Inode inode;
  if (Status s = LoadInode(ino, &inode); !s.ok()) return s;
  return inode.ToAttr(block_size());
}

}  // namespace rpuffs::storage
