// client/memfs — who may do what: the permission rules of a local disk.
//
// The mount uses the kernel's default_permissions, so the kernel checks rwx
// before a request arrives; memfs checks again (so it is also correct
// without that option) and enforces the rules the kernel leaves to the
// filesystem: owner-only operations, chown/chgrp rules, sticky directories.
// Root (uid 0) passes every check except execute, which needs some x bit on
// a non-directory, as with CAP_DAC_OVERRIDE.
//
// groups() of a Request may read /proc, so these helpers call it only when
// the uid, primary gid and "other" bits have not decided the answer.
#pragma once

#include <sys/types.h>

#include "client/memfs/inode.h"
#include "client/puffs/request.h"

namespace rpuffs::memfs {

bool IsRoot(const puffs::Request& req);
bool IsOwnerOrRoot(const puffs::Request& req, const Inode& node);
// Is gid the caller's primary group or one of its supplementary groups?
bool InGroup(puffs::Request& req, gid_t gid);
// May the caller access node for mask (an OR of R_OK, W_OK, X_OK)?
bool MayAccess(puffs::Request& req, const Inode& node, int mask);
// In a sticky directory only the owner of the entry, the owner of the
// directory or root may remove or rename the entry.
bool StickyAllows(const puffs::Request& req, const Inode& dir, const Inode& child);
// What a write or truncate does to privileges, as Linux's file_remove_privs:
// a non-root caller clears S_ISUID, and S_ISGID when group-execute is set;
// any caller drops the security.capability xattr. (The kernel also does this
// before the request arrives unless the mount handles killpriv itself.)
// `kill_suidgid`: the kernel asked for it (KILLPRIV_V2; the caller lacks
// CAP_FSETID), which clears the bits for a root caller too.
void DropPrivilegesOnWrite(const puffs::Request& req, Inode& node, bool kill_suidgid = false);
// Drops the security.capability xattr (on write, truncate and chown).
void DropCapability(Inode& node);

}  // namespace rpuffs::memfs
