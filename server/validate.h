// server/validate — checks every request field before storage sees it.
//
// Each function returns 0 when the value is acceptable, or the errno the
// client gets for it (the request is then answered without touching
// storage). Sizes over the wire limit are not errnos but a broken contract:
// see IsOversizedIo(). Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string_view>

namespace rpuffs::server {

// Inode 0 never exists: ESTALE, like any inode the volume does not know.
int CheckIno(uint64_t ino);
// A name that must already exist (lookup, unlink, rmdir): EINVAL if empty or
// holding '/' or NUL, ENAMETOOLONG over 255 bytes.
int CheckName(std::string_view name);
// A name to be created (create, mkdir, link, rename target...): as
// CheckName, plus EINVAL for "." and "..".
int CheckNewName(std::string_view name);
// ENOENT if empty, ENAMETOOLONG over 4095 bytes, EINVAL with a NUL.
int CheckSymlinkTarget(std::string_view target);
// mknod: EINVAL unless the type is S_IFREG/FIFO/SOCK/CHR/BLK.
int CheckMknodMode(uint32_t mode);
// rename flags: EINVAL unless 0, RENAME_NOREPLACE or RENAME_EXCHANGE.
int CheckRenameFlags(uint32_t flags);
// read: EINVAL when offset is beyond int64 (a negative offset).
int CheckReadRange(uint64_t offset, uint64_t size);
// write: EINVAL for a negative offset, EFBIG when offset+size passes int64.
int CheckWriteRange(uint64_t offset, uint64_t size);
// fallocate: EINVAL for a negative offset or length <= 0, EFBIG when the end
// passes int64; EOPNOTSUPP for modes other than 0, KEEP_SIZE, PUNCH_HOLE|KEEP_SIZE.
int CheckFallocate(uint32_t mode, uint64_t offset, uint64_t length);
// setattr: EINVAL for unknown valid bits, nsec > 999999999 or a negative
// size (> int64). (Type bits in mode are ignored: only 07777 is applied.)
int CheckSetAttr(uint32_t valid, uint64_t size, uint32_t atime_nsec, uint32_t mtime_nsec);
// xattr names: ERANGE if empty or over 255 bytes, EINVAL with a NUL.
int CheckXattrName(std::string_view name);
// setxattr: E2BIG over 65536 bytes; EINVAL for flags other than 0, CREATE, REPLACE.
int CheckXattrValue(std::string_view value, uint32_t flags);

// Read size or write payload above 1 MiB: answered with INVALID_ARGUMENT.
bool IsOversizedIo(uint64_t size);
// readdir max_entries: 0 means a default page; larger requests are capped.
uint32_t ReaddirPage(uint32_t max_entries);

}  // namespace rpuffs::server
