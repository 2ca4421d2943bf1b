// MemFs extended attributes: set, get, list, remove, with Linux's limits.
#include <linux/xattr.h>
#include <unistd.h>

#include "client/memfs/access.h"
#include "client/memfs/memfs.h"

namespace rpuffs::memfs {
namespace {

bool HasPrefix(const std::string& name, const char* prefix) {
  return name.compare(0, std::char_traits<char>::length(prefix), prefix) == 0;
}

// The namespaces a local Linux filesystem accepts: user., trusted. (root
// only), security. and system.; anything else is EOPNOTSUPP. user.* exists
// only on regular files and directories. want_write: set/remove, else get.
int CheckXattrName(puffs::Request& req, const Inode& node, const std::string& name,
                   bool want_write) {
  if (name.empty()) return ERANGE;
  if (name.size() > MemFs::kXattrNameMax) return ERANGE;
  if (HasPrefix(name, XATTR_USER_PREFIX)) {
    if (!node.is_reg() && !node.is_dir()) return want_write ? EPERM : ENODATA;
    if (!MayAccess(req, node, want_write ? W_OK : R_OK)) return EACCES;
    return 0;
  }
  if (HasPrefix(name, XATTR_TRUSTED_PREFIX)) return IsRoot(req) ? 0 : (want_write ? EPERM : ENODATA);
  if (HasPrefix(name, XATTR_SECURITY_PREFIX) || HasPrefix(name, XATTR_SYSTEM_PREFIX)) {
    if (want_write && !IsOwnerOrRoot(req, node)) return EPERM;
    return 0;
  }
  return EOPNOTSUPP;
}

}  // namespace

int MemFs::Setxattr(puffs::Request& req, Ino ino, const std::string& name,
                    const std::string& value, int flags) {
  Inode* node = table_.Find(ino);
  if (!node) return ENOENT;
  if (flags & ~(XATTR_CREATE | XATTR_REPLACE)) return EINVAL;
  if (int err = CheckXattrName(req, *node, name, true)) return err;
  if (value.size() > kXattrValueMax) return E2BIG;
  auto it = node->xattrs.find(name);
  if (it != node->xattrs.end() && (flags & XATTR_CREATE)) return EEXIST;
  if (it == node->xattrs.end() && (flags & XATTR_REPLACE)) return ENODATA;
  const size_t old_bytes = it == node->xattrs.end() ? 0 : name.size() + it->second.size();
  const size_t new_total = node->xattr_bytes - old_bytes + name.size() + value.size();
  if (new_total > kXattrTotalMax) return ENOSPC;
  node->xattrs[name] = value;
  node->xattr_bytes = new_total;
  node->TouchCtime();
  return 0;
}

int MemFs::Getxattr(puffs::Request& req, Ino ino, const std::string& name, std::string* value) {
  Inode* node = table_.Find(ino);
  if (!node) return ENOENT;
  if (int err = CheckXattrName(req, *node, name, false)) return err;
  auto it = node->xattrs.find(name);
  if (it == node->xattrs.end()) return ENODATA;
  *value = it->second;
  return 0;
}

int MemFs::Listxattr(puffs::Request& req, Ino ino, std::vector<std::string>* names) {
  Inode* node = table_.Find(ino);
  if (!node) return ENOENT;
  names->clear();
  for (const auto& [name, value] : node->xattrs) {
    // trusted.* is listed only to root, as on Linux.
    if (HasPrefix(name, XATTR_TRUSTED_PREFIX) && !IsRoot(req)) continue;
    names->push_back(name);
  }
  return 0;
}

int MemFs::Removexattr(puffs::Request& req, Ino ino, const std::string& name) {
  Inode* node = table_.Find(ino);
  if (!node) return ENOENT;
  if (int err = CheckXattrName(req, *node, name, true)) return err;
  auto it = node->xattrs.find(name);
  if (it == node->xattrs.end()) return ENODATA;
  node->xattr_bytes -= name.size() + it->second.size();
  node->xattrs.erase(it);
  node->TouchCtime();
  return 0;
}

}  // namespace rpuffs::memfs
