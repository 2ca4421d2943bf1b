// Mknod: regular files, devices (root only), FIFOs and sockets.
#include <sys/stat.h>

#include <cerrno>

#include "storage/volume_impl.h"

namespace rpuffs::storage {

Result<Attr> VolumeImpl::Mknod(const OpId& op, const Caller& c, Ino parent, std::string_view name, uint32_t mode,
                               uint64_t rdev) {
  if (Status s = CheckName(name); !s.ok()) return s;
  if (IsDotName(name)) return Status(EEXIST);
  uint32_t type = mode & S_IFMT;
  if (type == 0) type = S_IFREG;
  switch (type) {
    case S_IFREG: case S_IFIFO: case S_IFSOCK: rdev = 0; break;
    case S_IFCHR: case S_IFBLK:
      if (!c.is_root()) return Status(EPERM);
      break;
    case S_IFDIR: return Status(EPERM);
    default: return Status(EINVAL);
  }
  Inode proto;
  proto.mode = type | (mode & 07777);
  proto.rdev = rdev;
  return AttrOf(RunLocked(op, [&] { return std::vector<Ino>{parent}; },
                          [&](Mutation& m) { return MakeNode(m, c, parent, name, proto); }));
}

}  // namespace rpuffs::storage
