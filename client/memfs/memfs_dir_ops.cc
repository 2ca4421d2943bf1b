// MemFs ops on names: lookup, mknod, mkdir, symlink, link, unlink, rmdir, readlink.
#include <unistd.h>

#include "client/memfs/access.h"
#include "client/memfs/memfs.h"

namespace rpuffs::memfs {

int MemFs::Lookup(puffs::Request& req, Ino parent, const std::string& name, puffs::Entry* out) {
  Inode* dir = nullptr;
  if (int err = DirFor(req, parent, X_OK, &dir)) return err;
  if (name.size() > kNameMax) return ENAMETOOLONG;
  Inode* node = nullptr;
  if (name == ".") {
    node = dir;
  } else if (name == "..") {
    node = table_.Find(dir->parent);
  } else if (const Directory::Child* child = dir->entries.Find(name)) {
    node = table_.Find(child->ino);
  }
  if (!node) return name == ".." ? ENOENT : MissingEntry(*dir, out);
  FillEntry(*node, out);
  return 0;
}

int MemFs::Mknod(puffs::Request& req, Ino parent, const std::string& name, mode_t mode,
                 dev_t rdev, puffs::Entry* out) {
  if ((mode & S_IFMT) == 0) mode |= S_IFREG;  // mknod(2) with no type: a regular file
  switch (mode & S_IFMT) {
    case S_IFREG:
    case S_IFIFO:
    case S_IFSOCK:
      rdev = 0;
      break;
    case S_IFCHR:
    case S_IFBLK:
      if (!IsRoot(req)) return EPERM;  // CAP_MKNOD
      break;
    default:
      return EINVAL;
  }
  Inode* dir = nullptr;
  if (int err = DirFor(req, parent, W_OK | X_OK, &dir, true)) return err;
  if (int err = CheckNewEntry(*dir, name)) return err;
  Inode& node = NewInode(req, *dir, mode, rdev);
  AddEntry(*dir, name, node);
  FillEntry(node, out);
  return 0;
}

int MemFs::Mkdir(puffs::Request& req, Ino parent, const std::string& name, mode_t mode,
                 puffs::Entry* out) {
  Inode* dir = nullptr;
  if (int err = DirFor(req, parent, W_OK | X_OK, &dir, true)) return err;
  if (int err = CheckNewEntry(*dir, name)) return err;
  if (dir->attr.st_nlink >= kLinkMax) return EMLINK;
  Inode& node = NewInode(req, *dir, S_IFDIR | (mode & 07777), 0);
  AddEntry(*dir, name, node);
  FillEntry(node, out);
  return 0;
}

int MemFs::Symlink(puffs::Request& req, const std::string& target, Ino parent,
                   const std::string& name, puffs::Entry* out) {
  if (target.empty()) return ENOENT;
  if (target.size() > kSymlinkMax) return ENAMETOOLONG;
  Inode* dir = nullptr;
  if (int err = DirFor(req, parent, W_OK | X_OK, &dir, true)) return err;
  if (int err = CheckNewEntry(*dir, name)) return err;
  Inode& node = NewInode(req, *dir, S_IFLNK | 0777, 0);
  node.target = target;
  AddEntry(*dir, name, node);
  FillEntry(node, out);
  return 0;
}

int MemFs::Link(puffs::Request& req, Ino ino, Ino new_parent, const std::string& new_name,
                puffs::Entry* out) {
  Inode* node = table_.Find(ino);
  if (!node) return ENOENT;
  if (node->is_dir()) return EPERM;
  Inode* dir = nullptr;
  if (int err = DirFor(req, new_parent, W_OK | X_OK, &dir, true)) return err;
  if (new_name.size() > kNameMax) return ENAMETOOLONG;
  if (dir->entries.Find(new_name)) return EEXIST;
  // An unlinked file cannot get a name back (linkat of an O_TMPFILE aside).
  if (node->attr.st_nlink == 0) return ENOENT;
  if (node->attr.st_nlink >= kLinkMax) return EMLINK;
  AddEntry(*dir, new_name, *node);
  FillEntry(*node, out);
  return 0;
}

int MemFs::RemoveName(puffs::Request& req, Ino parent, const std::string& name, bool want_dir) {
  Inode* dir = nullptr;
  if (int err = DirFor(req, parent, W_OK | X_OK, &dir)) return err;
  if (name.size() > kNameMax) return ENAMETOOLONG;
  if (want_dir && name == ".") return EINVAL;
  if (want_dir && name == "..") return ENOTEMPTY;
  const Directory::Child* child = dir->entries.Find(name);
  if (!child) return ENOENT;
  Inode* node = table_.Find(child->ino);
  if (!node) return ENOENT;
  if (want_dir && !node->is_dir()) return ENOTDIR;
  if (!want_dir && node->is_dir()) return EISDIR;
  if (!StickyAllows(req, *dir, *node)) return EPERM;
  if (want_dir && !node->entries.empty()) return ENOTEMPTY;
  RemoveEntry(*dir, name, *node);
  return 0;
}

int MemFs::Unlink(puffs::Request& req, Ino parent, const std::string& name) {
  return RemoveName(req, parent, name, false);
}

int MemFs::Rmdir(puffs::Request& req, Ino parent, const std::string& name) {
  return RemoveName(req, parent, name, true);
}

int MemFs::Readlink(puffs::Request& req, Ino ino, std::string* target) {
  Inode* node = table_.Find(ino);
  if (!node) return ENOENT;
  if (!node->is_symlink()) return EINVAL;
  *target = node->target;
  return 0;
}

}  // namespace rpuffs::memfs
