// Unlink: removes a non-directory entry; the last link of an open file leaves
// an orphan that the last Release (or the next start) reclaims.
#include <cerrno>

#include "storage/access.h"
#include "storage/volume_impl.h"

namespace rpuffs::storage {

Status VolumeImpl::Unlink(const OpId& op, const Caller& c, Ino parent, std::string_view name) {
  if (Status s = CheckName(name); !s.ok()) return s;
  if (IsDotName(name)) return Status(EISDIR);
  return StatusOf(RunOnEntry(op, parent, name, [&](Mutation& m, Ino) -> Outcome {
    Inode dir;
    if (Status s = LoadDir(c, parent, kMayWrite | kMayExec, &dir); !s.ok()) return Outcome{s.err()};
    Inode victim;
    if (Status s = LoadChild(parent, name, &victim); !s.ok()) return Outcome{s.err()};
    if (victim.is_dir()) return Outcome{EISDIR};
    if (Status s = CheckSticky(c, dir, victim); !s.ok()) return Outcome{s.err()};
    m.DeleteDentry(parent, name);
    DropLink(m, &victim);
    dir.mtime = dir.ctime = victim.ctime;
    m.PutInode(dir);
    return Outcome();
  }));
}

}  // namespace rpuffs::storage
