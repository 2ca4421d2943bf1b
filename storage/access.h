// storage/access.h — every permission rule of the volume in one place: mode
// bits checked against a Caller, ownership, group membership and the sticky
// directory rule. uid 0 bypasses read/write/search checks as root does (but
// executing a regular file still needs some x bit).
//
// Pure functions over records; thread-safe.
#pragma once

#include <cstdint>
#include <string_view>

#include "storage/records.h"
#include "storage/result.h"
#include "storage/volume.h"

namespace rpuffs::storage {

constexpr int kMayExec = 1;
constexpr int kMayWrite = 2;
constexpr int kMayRead = 4;

// Is `gid` the caller's primary or a supplementary group?
bool InGroup(const Caller& c, uint32_t gid);
// Owner of the inode, or root.
bool OwnsOrRoot(const Caller& c, const Inode& inode);
// EACCES unless the caller has every permission in `mask` (kMay* bits).
Status CheckAccess(const Caller& c, const Inode& inode, int mask);
// The checks to add or remove an entry of `dir`: a directory (ENOTDIR) with
// write and search permission (EACCES).
Status CheckDirWritable(const Caller& c, const Inode& dir);
// Removing or replacing `victim` in `dir`: EPERM if `dir` is sticky and the
// caller owns neither (and is not root).
Status CheckSticky(const Caller& c, const Inode& dir, const Inode& victim);
// Mode bits to clear on write/truncate/chown: S_ISUID always, S_ISGID only
// with group-exec (without it the bit means mandatory locking, which stays).
uint32_t KillSuidBits(uint32_t mode);

// Linux's setattr_prepare for `in` (size is checked by the caller): chmod
// and explicit times by the owner only (EPERM), chown to another uid by root
// only (EPERM), chgrp by the owner to one of its groups (EPERM), times set
// to "now" by the owner or anyone with write permission (EACCES).
Status CheckSetAttr(const Caller& c, const Inode& inode, const SetAttrIn& in);

enum class XattrNamespace { kUser, kTrusted, kSecurity, kPosixAcl, kUnsupported };
XattrNamespace XattrNamespaceOf(std::string_view name);
// Linux's xattr_permission: may the caller read (kMayRead) or change
// (kMayWrite) xattr `ns` of `inode`? EOPNOTSUPP for unknown namespaces;
// user.* only on regular files and directories (EPERM to change, ENODATA to
// read elsewhere) and under the file's mode bits (EACCES); trusted.* and
// changing security.* need root (EPERM; reading trusted.* gives ENODATA);
// changing an ACL needs the owner (EPERM).
Status CheckXattrAccess(const Caller& c, const Inode& inode, XattrNamespace ns, int mask);

}  // namespace rpuffs::storage
