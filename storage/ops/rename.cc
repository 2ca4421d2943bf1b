// Rename, with RENAME_NOREPLACE and RENAME_EXCHANGE: one batch moves the
// entries, fixes ".." links and nlink counts, and drops a replaced target.
#include <cerrno>

#include "storage/access.h"
#include "storage/volume_impl.h"

namespace rpuffs::storage {
namespace {

struct RenameState {
  Inode odir, ndir, src, dst;
  bool same_dir = false;
  bool has_dst = false;
  Inode& new_dir() { return same_dir ? odir : ndir; }
};

// EINVAL if directory `moved` would end up inside itself under `dest`.
Outcome CheckNotAncestor(VolumeImpl& v, Ino moved, Ino dest) {
  for (int depth = 0; depth < 4096; ++depth) {
    if (dest == moved) return Outcome{EINVAL};
    if (dest == kRootIno) return Outcome();
    Inode d;
    if (Status s = v.LoadInode(dest, &d); !s.ok()) return Outcome{s.err()};
    dest = d.parent;
  }
  return Outcome{ELOOP};
}

Outcome CheckRules(VolumeImpl& v, const Caller& c, RenameState& st, uint32_t flags) {
  const bool exchange = flags & kRenameExchange;
  if (st.has_dst && (flags & kRenameNoReplace)) return Outcome{EEXIST};
  if (!st.has_dst && exchange) return Outcome{ENOENT};
  if (st.has_dst && !exchange) {
    if (st.src.is_dir() && !st.dst.is_dir()) return Outcome{ENOTDIR};
    if (!st.src.is_dir() && st.dst.is_dir()) return Outcome{EISDIR};
    if (st.dst.is_dir() && v.HasEntries(st.dst.ino)) return Outcome{ENOTEMPTY};
    if (st.dst.is_dir() && st.dst.ino == kRootIno) return Outcome{EBUSY};
  }
  if (!st.same_dir) {
    if (st.src.is_dir()) {
      if (Outcome o = CheckNotAncestor(v, st.src.ino, st.ndir.ino); o.err) return o;
      if (Status s = CheckAccess(c, st.src, kMayWrite); !s.ok()) return Outcome{s.err()};
    }
    if (exchange && st.dst.is_dir()) {
      if (Outcome o = CheckNotAncestor(v, st.dst.ino, st.odir.ino); o.err) return o;
      if (Status s = CheckAccess(c, st.dst, kMayWrite); !s.ok()) return Outcome{s.err()};
    }
  }
  if (Status s = CheckSticky(c, st.odir, st.src); !s.ok()) return Outcome{s.err()};
  if (st.has_dst)
    if (Status s = CheckSticky(c, st.new_dir(), st.dst); !s.ok()) return Outcome{s.err()};
  return Outcome();
}

// `child` (a directory) moves from `from` to `to`: ".." and the nlinks follow.
void Reparent(Inode* child, Inode* from, Inode* to) {
  if (!child->is_dir() || from == to) return;
  child->parent = to->ino;
  from->nlink--;
  to->nlink++;
}

void Apply(VolumeImpl& v, Mutation& m, RenameState& st, std::string_view name, std::string_view new_name,
           bool exchange) {
  Timespec now = Now();
  Inode& ndir = st.new_dir();
  m.PutDentry(ndir.ino, new_name, st.src);
  Reparent(&st.src, &st.odir, &ndir);
  if (exchange) {
    m.PutDentry(st.odir.ino, name, st.dst);
    Reparent(&st.dst, &ndir, &st.odir);
    st.dst.ctime = now;
    m.PutInode(st.dst);
  } else {
    m.DeleteDentry(st.odir.ino, name);
    if (st.has_dst) {
      if (st.dst.is_dir()) ndir.nlink--;
      v.DropLink(m, &st.dst);
    }
  }
  st.src.ctime = now;
  m.PutInode(st.src);
  st.odir.mtime = st.odir.ctime = ndir.mtime = ndir.ctime = now;
  m.PutInode(st.odir);
  if (!st.same_dir) m.PutInode(st.ndir);
}

}  // namespace

Status VolumeImpl::Rename(const OpId& op, const Caller& c, Ino parent, std::string_view name, Ino new_parent,
                          std::string_view new_name, uint32_t flags) {
  if (Status s = CheckName(name); !s.ok()) return s;
  if (Status s = CheckName(new_name); !s.ok()) return s;
  if (IsDotName(name) || IsDotName(new_name)) return Status(EINVAL);
  if ((flags & ~(kRenameNoReplace | kRenameExchange)) || flags == (kRenameNoReplace | kRenameExchange))
    return Status(EINVAL);
  Ino seen_src = 0, seen_dst = 0;
  auto lock_fn = [&] {
    seen_src = PeekChild(parent, name);
    seen_dst = PeekChild(new_parent, new_name);
    return std::vector<Ino>{parent, new_parent, seen_src, seen_dst};
  };
  auto body = [&](Mutation& m) -> Outcome {
    RenameState st;
    st.same_dir = parent == new_parent;
    if (Status s = LoadDir(c, parent, kMayWrite | kMayExec, &st.odir); !s.ok()) return Outcome{s.err()};
    if (!st.same_dir)
      if (Status s = LoadDir(c, new_parent, kMayWrite | kMayExec, &st.ndir); !s.ok()) return Outcome{s.err()};
    if (PeekChild(parent, name) != seen_src || PeekChild(new_parent, new_name) != seen_dst)
      return Outcome{kRetryLocked};
    if (seen_src == 0 || st.new_dir().nlink == 0) return Outcome{ENOENT};
    if (Status s = LoadChild(parent, name, &st.src); !s.ok()) return Outcome{s.err()};
    st.has_dst = seen_dst != 0;
    if (st.has_dst)
      if (Status s = LoadChild(new_parent, new_name, &st.dst); !s.ok()) return Outcome{s.err()};
    if (st.has_dst && (flags & kRenameNoReplace)) return Outcome{EEXIST};
    if (st.has_dst && st.dst.ino == st.src.ino) return Outcome();  // same inode: nothing to do
    if (Outcome o = CheckRules(*this, c, st, flags); o.err) return o;
    Apply(*this, m, st, name, new_name, flags & kRenameExchange);
    return Outcome();
  };
  return StatusOf(RunLocked(op, lock_fn, body, parent != new_parent));
}

}  // namespace rpuffs::storage
