#include "client/memfs/access.h"

#include <unistd.h>

#include <algorithm>

namespace rpuffs::memfs {
namespace {
constexpr char kCapabilityXattr[] = "security.capability";
}  // namespace

bool IsRoot(const puffs::Request& req) { return req.caller().uid == 0; }

bool IsOwnerOrRoot(const puffs::Request& req, const Inode& node) {
  return IsRoot(req) || req.caller().uid == node.attr.st_uid;
}

bool InGroup(puffs::Request& req, gid_t gid) {
  if (req.caller().gid == gid) return true;
  const auto& groups = req.groups();
  return std::find(groups.begin(), groups.end(), gid) != groups.end();
}

bool MayAccess(puffs::Request& req, const Inode& node, int mask) {
  const mode_t mode = node.attr.st_mode;
  if (IsRoot(req)) {
    return !(mask & X_OK) || node.is_dir() || (mode & (S_IXUSR | S_IXGRP | S_IXOTH));
  }
  const mode_t want = static_cast<mode_t>(mask);
  if (req.caller().uid == node.attr.st_uid) return ((mode >> 6) & want) == want;
  const bool group_ok = ((mode >> 3) & want) == want;
  const bool other_ok = (mode & want) == want;
  // Membership (which may read /proc) matters only when the two triples disagree.
  if (group_ok == other_ok) return group_ok;
  return InGroup(req, node.attr.st_gid) ? group_ok : other_ok;
}

bool StickyAllows(const puffs::Request& req, const Inode& dir, const Inode& child) {
  if (!(dir.attr.st_mode & S_ISVTX)) return true;
  const uid_t uid = req.caller().uid;
  return uid == 0 || uid == child.attr.st_uid || uid == dir.attr.st_uid;
}

void DropCapability(Inode& node) {
  if (node.xattrs.empty()) return;
  auto it = node.xattrs.find(kCapabilityXattr);
  if (it == node.xattrs.end()) return;
  node.xattr_bytes -= it->first.size() + it->second.size();
  node.xattrs.erase(it);
}

void DropPrivilegesOnWrite(const puffs::Request& req, Inode& node, bool kill_suidgid) {
  DropCapability(node);
  if (IsRoot(req) && !kill_suidgid) return;
  mode_t& mode = node.attr.st_mode;
  mode &= ~S_ISUID;
  if (mode & S_IXGRP) mode &= ~S_ISGID;
}

}  // namespace rpuffs::memfs
