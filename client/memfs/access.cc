#include "client/memfs/access.h"

#include <unistd.h>

#include <algorithm>

namespace rpuffs::memfs {

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

mode_t SuidBitsToKill(const puffs::Request& req, const Inode& node) {
  if (IsRoot(req)) return 0;
  mode_t kill = node.attr.st_mode & S_ISUID;
  if ((node.attr.st_mode & (S_ISGID | S_IXGRP)) == (S_ISGID | S_IXGRP)) kill |= S_ISGID;
  return kill;
}

}  // namespace rpuffs::memfs
