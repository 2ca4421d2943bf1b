// The shared creation path of Create, Mknod, Mkdir and Symlink.
#include <sys/stat.h>

#include <cerrno>

#include "storage/access.h"
#include "storage/volume_impl.h"

namespace rpuffs::storage {

Outcome VolumeImpl::MakeNode(Mutation& m, const Caller& c, Ino parent, std::string_view name, const Inode& proto) {
  Inode dir;
  if (Status s = LoadDir(c, parent, kMayExec, &dir); !s.ok()) return Outcome{s.err()};
  DentryValue existing;
  Status s = FindEntry(parent, name, &existing);
  if (s.ok()) return Outcome{EEXIST};
  if (s.err() != ENOENT) return Outcome{s.err()};
  return MakeNodeIn(m, c, &dir, name, proto);
}

Outcome VolumeImpl::MakeNodeIn(Mutation& m, const Caller& c, Inode* dir, std::string_view name, const Inode& proto) {
  if (Status w = CheckAccess(c, *dir, kMayWrite); !w.ok()) return Outcome{w.err()};
  if (dir->nlink == 0) return Outcome{ENOENT};  // removed while open
  if (S_ISDIR(proto.mode) && dir->nlink >= kLinkMax) return Outcome{EMLINK};
  auto ino = AllocIno();
  if (!ino.ok()) return Outcome{ino.err()};
  Inode child = NewInode(c, *dir, ino.value(), proto.mode);
  child.rdev = proto.rdev;
  child.target = proto.target;
  child.size = proto.target.size();
  AddChild(m, dir, name, child);
  Outcome out;
  out.attr = child.ToAttr(block_size());
  out.created = true;
  return out;
}

}  // namespace rpuffs::storage
