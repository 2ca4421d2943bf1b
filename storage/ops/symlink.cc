// Symlink and Readlink: the target is kept in the inode record; size = its length.
#include <sys/stat.h>

#include <cerrno>

#include "storage/volume_impl.h"

namespace rpuffs::storage {

Result<Attr> VolumeImpl::Symlink(const OpId& op, const Caller& c, Ino parent, std::string_view name,
                                 std::string_view target) {
  if (Status s = CheckName(name); !s.ok()) return s;
  if (IsDotName(name)) return Status(EEXIST);
  if (target.empty()) return Status(ENOENT);
  if (target.size() > kSymlinkMax) return Status(ENAMETOOLONG);
  if (target.find('\0') != std::string_view::npos) return Status(EINVAL);
  Inode proto;
  proto.mode = S_IFLNK | 0777;
  proto.target.assign(target);
  return AttrOf(RunLocked(op, [&] { return std::vector<Ino>{parent}; },
                          [&](Mutation& m) { return MakeNode(m, c, parent, name, proto); }));
}

Result<std::string> VolumeImpl::Readlink(Ino ino) {
  Inode inode;
  if (Status s = LoadInode(ino, &inode); !s.ok()) return s;
  if (!inode.is_symlink()) return Status(EINVAL);
  return inode.target;
}

}  // namespace rpuffs::storage
