// Rmdir: removes an empty directory; the parent loses the child's ".." link.
#include <cerrno>

#include "storage/access.h"
#include "storage/volume_impl.h"

namespace rpuffs::storage {

Status VolumeImpl::Rmdir(const OpId& op, const Caller& c, Ino parent, std::string_view name) {
  if (Status s = CheckName(name); !s.ok()) return s;
  if (name == ".") return Status(EINVAL);
  if (name == "..") return Status(ENOTEMPTY);
  return StatusOf(RunOnEntry(op, parent, name, [&](Mutation& m, Ino) -> Outcome {
    Inode dir;
    if (Status s = LoadDir(c, parent, kMayWrite | kMayExec, &dir); !s.ok()) return Outcome{s.err()};
    Inode victim;
    if (Status s = LoadChild(parent, name, &victim); !s.ok()) return Outcome{s.err()};
    if (!victim.is_dir()) return Outcome{ENOTDIR};
    if (victim.ino == kRootIno) return Outcome{EBUSY};
    if (Status s = CheckSticky(c, dir, victim); !s.ok()) return Outcome{s.err()};
    if (HasEntries(victim.ino)) return Outcome{ENOTEMPTY};
    m.DeleteDentry(parent, name);
    DropLink(m, &victim);
    dir.nlink--;
    dir.mtime = dir.ctime = victim.ctime;
    m.PutInode(dir);
    return Outcome();
  }));
}

}  // namespace rpuffs::storage
