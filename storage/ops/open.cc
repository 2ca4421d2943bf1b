// Open and Release: handles are 'H' records; the last Release of an unlinked
// inode reclaims it in the same batch.
#include <fcntl.h>
#include <sys/stat.h>

#include <cerrno>

#include "storage/access.h"
#include "storage/keys.h"
#include "storage/volume_impl.h"

namespace rpuffs::storage {

Outcome VolumeImpl::OpenLocked(Mutation& m, const Caller& c, Inode* inode, uint32_t flags, uint64_t session) {
  int mask = 0;
  switch (flags & O_ACCMODE) {
    case O_RDONLY: mask = kMayRead; break;
    case O_WRONLY: mask = kMayWrite; break;
    default: mask = kMayRead | kMayWrite; break;
  }
  if (flags & O_TRUNC) mask |= kMayWrite;
  if (inode->is_dir() && (mask & kMayWrite)) return Outcome{EISDIR};
  if (inode->is_symlink()) return Outcome{ELOOP};
  if (Status s = CheckAccess(c, *inode, mask); !s.ok()) return Outcome{s.err()};
  if ((flags & O_TRUNC) && inode->is_reg()) {
    if (Status s = Resize(m, inode, 0); !s.ok()) return Outcome{s.err()};
    inode->mtime = inode->ctime = Now();
    if (!c.is_root()) inode->mode = KillSuidBits(inode->mode);
    m.PutInode(*inode);
  }
  Outcome out;
  out.fh = AddHandle(m, session, inode->ino);
  out.attr = inode->ToAttr(block_size());
  return out;
}

Result<OpenOut> VolumeImpl::Open(const OpId& op, const Caller& c, Ino ino, uint32_t flags) {
  Outcome out = RunOnInode(op, ino, [&](Mutation& m, Inode& inode) -> Outcome {
    if (inode.nlink == 0) return Outcome{ENOENT};
    return OpenLocked(m, c, &inode, flags, op.session);
  });
  if (out.err != 0) return Status(out.err);
  return OpenOut{out.fh, out.attr};
}

Status VolumeImpl::ReleaseHandle(uint64_t session, uint64_t fh, bool sync) {
  std::string key = Key2(KeyTag::kHandle, session, fh);
  std::string value;
  if (Status s = db_->GetMeta(key, &value); !s.ok()) return Status(s.err() == ENOENT ? EBADF : s.err());
  if (value.size() != 8) return Status(EIO, "corrupt handle");
  Ino ino = GetBE64(value.data());
  Outcome out = RunLocked(
      OpId{}, [&] { return std::vector<Ino>{ino}; },
      [&](Mutation& m) -> Outcome {
        if (!db_->GetMeta(key, &value).ok()) return Outcome{EBADF};  // released meanwhile
        m.DeleteMeta(key);
        m.OnCommit([this, ino] { AddOpenCount(ino, -1); });
        if (sync) m.RequireSync();
        Inode inode;
        if (OpenCount(ino) == 1 && LoadInode(ino, &inode).ok() && inode.nlink == 0) Reclaim(m, inode);
        return Outcome();
      });
  return StatusOf(out);
}

Status VolumeImpl::Release(uint64_t session, uint64_t fh, bool sync) { return ReleaseHandle(session, fh, sync); }

}  // namespace rpuffs::storage
