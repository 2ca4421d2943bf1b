// MemFs rename: plain, RENAME_NOREPLACE and RENAME_EXCHANGE.
#include <stdio.h>
#include <unistd.h>

#include "client/memfs/access.h"
#include "client/memfs/memfs.h"

namespace rpuffs::memfs {

bool MemFs::IsAncestorOrSelf(Ino ancestor, Ino ino) const {
  // Directories form a tree with parent pointers; the walk ends at the root
  // (its own parent). Bounded by the number of inodes in case of a bug.
  for (size_t steps = 0; steps <= table_.size(); ++steps) {
    if (ino == ancestor) return true;
    const Inode* node = table_.Find(ino);
    if (!node || node->parent == ino || node->parent == 0) return false;
    ino = node->parent;
  }
  return false;
}

int MemFs::CheckRenameTarget(const Inode& src, const Inode* dst, unsigned int flags) const {
  if (flags & RENAME_EXCHANGE) return dst ? 0 : ENOENT;
  if (!dst) return 0;
  if (flags & RENAME_NOREPLACE) return EEXIST;
  if (src.is_dir()) {
    if (!dst->is_dir()) return ENOTDIR;
    if (!dst->entries.empty()) return ENOTEMPTY;
  } else if (dst->is_dir()) {
    return EISDIR;
  }
  return 0;
}

void MemFs::MoveEntry(Inode& src_dir, const std::string& name, Inode& dst_dir,
                      const std::string& new_name, Inode& src, Inode* dst) {
  if (dst) {
    dst_dir.entries.Replace(new_name, src.attr.st_ino, src.type());
    if (dst->is_dir()) {
      dst->attr.st_nlink = 0;
      --dst_dir.attr.st_nlink;
    } else {
      --dst->attr.st_nlink;
    }
    dst->TouchCtime();
  } else {
    dst_dir.entries.Add(new_name, src.attr.st_ino, src.type());
  }
  src_dir.entries.Remove(name);
  if (src.is_dir() && &src_dir != &dst_dir) {
    --src_dir.attr.st_nlink;
    ++dst_dir.attr.st_nlink;
    src.parent = dst_dir.attr.st_ino;
  }
  src.TouchCtime();
  src_dir.TouchMtime();
  dst_dir.TouchMtime();
  if (dst) MaybeFree(*dst);
}

void MemFs::ExchangeEntries(Inode& src_dir, const std::string& name, Inode& dst_dir,
                            const std::string& new_name, Inode& src, Inode& dst) {
  src_dir.entries.Replace(name, dst.attr.st_ino, dst.type());
  dst_dir.entries.Replace(new_name, src.attr.st_ino, src.type());
  if (&src_dir != &dst_dir) {
    if (src.is_dir()) {
      src.parent = dst_dir.attr.st_ino;
      --src_dir.attr.st_nlink;
      ++dst_dir.attr.st_nlink;
    }
    if (dst.is_dir()) {
      dst.parent = src_dir.attr.st_ino;
      --dst_dir.attr.st_nlink;
      ++src_dir.attr.st_nlink;
    }
  }
  src.TouchCtime();
  dst.TouchCtime();
  src_dir.TouchMtime();
  dst_dir.TouchMtime();
}

int MemFs::Rename(puffs::Request& req, Ino parent, const std::string& name, Ino new_parent,
                  const std::string& new_name, unsigned int flags) {
  if (flags & ~(RENAME_NOREPLACE | RENAME_EXCHANGE)) return EINVAL;
  if ((flags & RENAME_NOREPLACE) && (flags & RENAME_EXCHANGE)) return EINVAL;
  Inode* src_dir = nullptr;
  Inode* dst_dir = nullptr;
  if (int err = DirFor(req, parent, W_OK | X_OK, &src_dir)) return err;
  if (int err = DirFor(req, new_parent, W_OK | X_OK, &dst_dir, true)) return err;
  if (name.size() > kNameMax || new_name.size() > kNameMax) return ENAMETOOLONG;
  const Directory::Child* src_entry = src_dir->entries.Find(name);
  Inode* src = src_entry ? table_.Find(src_entry->ino) : nullptr;
  if (!src) return ENOENT;
  const Directory::Child* dst_entry = dst_dir->entries.Find(new_name);
  Inode* dst = dst_entry ? table_.Find(dst_entry->ino) : nullptr;
  if (int err = CheckRenameTarget(*src, dst, flags)) return err;
  if (dst == src) return 0;  // two names of one inode: POSIX says do nothing
  // A directory cannot move below itself (for EXCHANGE, in either direction).
  if (src->is_dir() && IsAncestorOrSelf(src->attr.st_ino, dst_dir->attr.st_ino)) return EINVAL;
  const bool exchange = flags & RENAME_EXCHANGE;
  if (exchange && dst->is_dir() && IsAncestorOrSelf(dst->attr.st_ino, src_dir->attr.st_ino)) {
    return EINVAL;
  }
  if (!StickyAllows(req, *src_dir, *src) || (dst && !StickyAllows(req, *dst_dir, *dst))) {
    return EPERM;
  }
  // A directory changing parent gets a new "..": that writes to it.
  if (src_dir != dst_dir) {
    if (src->is_dir() && !MayAccess(req, *src, W_OK)) return EACCES;
    if (exchange && dst->is_dir() && !MayAccess(req, *dst, W_OK)) return EACCES;
  }
  if (!exchange && src->is_dir() && !dst && dst_dir->attr.st_nlink >= kLinkMax) return EMLINK;
  if (exchange) {
    ExchangeEntries(*src_dir, name, *dst_dir, new_name, *src, *dst);
  } else {
    MoveEntry(*src_dir, name, *dst_dir, new_name, *src, dst);
  }
  return 0;
}

}  // namespace rpuffs::memfs
