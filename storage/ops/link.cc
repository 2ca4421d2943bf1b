// Link: a new name for a non-directory.
#include <cerrno>

#include "storage/access.h"
#include "storage/volume_impl.h"

namespace rpuffs::storage {

Result<Attr> VolumeImpl::Link(const OpId& op, const Caller& c, Ino ino, Ino new_parent, std::string_view new_name) {
  if (Status s = CheckName(new_name); !s.ok()) return s;
  if (IsDotName(new_name)) return Status(EEXIST);
  return AttrOf(RunLocked(
      op, [&] { return std::vector<Ino>{ino, new_parent}; },
      [&](Mutation& m) -> Outcome {
        Inode inode;
        if (Status s = LoadInode(ino, &inode); !s.ok()) return Outcome{s.err()};
        if (inode.is_dir()) return Outcome{EPERM};
        Inode dir;
        if (Status s = LoadDir(c, new_parent, kMayExec, &dir); !s.ok()) return Outcome{s.err()};
        if (PeekChild(new_parent, new_name) != 0) return Outcome{EEXIST};
        if (Status s = CheckAccess(c, dir, kMayWrite); !s.ok()) return Outcome{s.err()};
        if (inode.nlink == 0 || dir.nlink == 0) return Outcome{ENOENT};
        if (inode.nlink >= kLinkMax) return Outcome{EMLINK};
        inode.nlink++;
        inode.ctime = Now();
        m.PutInode(inode);
        m.PutDentry(new_parent, new_name, inode);
        dir.mtime = dir.ctime = inode.ctime;
        m.PutInode(dir);
        Outcome out;
        out.attr = inode.ToAttr(block_size());
        return out;
      }));
}

}  // namespace rpuffs::storage
