// Create: make a regular file and open it, or open the existing one (O_EXCL: EEXIST).
#include <fcntl.h>
#include <sys/stat.h>

#include <cerrno>

#include "storage/access.h"
#include "storage/volume_impl.h"

namespace rpuffs::storage {

Result<CreateOut> VolumeImpl::Create(const OpId& op, const Caller& c, Ino parent, std::string_view name,
                                     uint32_t mode, uint32_t flags) {
  if (Status s = CheckName(name); !s.ok()) return s;
  if (IsDotName(name)) return Status((flags & O_EXCL) ? EEXIST : EISDIR);
  Outcome out = RunOnEntry(op, parent, name, [&](Mutation& m, Ino seen) -> Outcome {
    Inode dir;
    if (Status s = LoadDir(c, parent, kMayExec, &dir); !s.ok()) return Outcome{s.err()};
    if (seen == 0) {
      Inode proto;
      proto.mode = S_IFREG | (mode & 07777);
      Outcome made = MakeNodeIn(m, c, &dir, name, proto);
      if (made.err != 0) return made;
      made.fh = AddHandle(m, op.session, made.attr.ino);
      return made;
    }
    if (flags & O_EXCL) return Outcome{EEXIST};
    Inode existing;
    if (Status s = LoadInode(seen, &existing); !s.ok()) return Outcome{s.err()};
    if (existing.is_dir()) return Outcome{EISDIR};
    return OpenLocked(m, c, &existing, flags, op.session);
  });
  if (out.err != 0) return Status(out.err);
  return CreateOut{out.attr, out.fh, out.created};
}

}  // namespace rpuffs::storage
