// client/puffs — the ops table: how a filesystem plugs into the framework.
//
// A filesystem fills in the operations it implements; the framework
// advertises only those to the kernel, and every other request is answered
// ENOSYS without reaching the filesystem (puffs's opmask).
//
// Contract of every op:
// - It runs inside its own continuation (one per request) on the loop
//   thread. It may suspend only through the framework's named waits
//   (Continuation::Yield, framed I/O "send and wait", timers); everything it
//   receives by reference stays valid across those suspensions, because the
//   request owns a copy of its bytes.
// - It returns 0 on success or a positive errno, which the framework sends
//   to the kernel. Outputs are read only on success. The framework sends
//   exactly one reply per request; an op never replies itself.
// - It must not throw; if it does, the framework logs it and answers EIO.
// - Lookup counting is the framework's: it counts every entry it hands to the
//   kernel (lookup, create, mknod, mkdir, symlink, link, readdirplus) and
//   calls `reclaim` once the kernel has forgotten them all (puffs's reclaim).
//   `reclaim` runs inline on the loop thread and must not suspend.
#pragma once

#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace rpuffs::puffs {

using Ino = uint64_t;
constexpr Ino kRootIno = 1;  // the kernel's FUSE_ROOT_ID

class Request;  // request.h: caller credentials, interrupt state.

// What a name resolves to, handed to the kernel for caching.
struct Entry {
  Ino ino = 0;
  uint64_t generation = 0;
  struct stat attr {};
  double attr_timeout = 1.0;   // seconds the kernel may trust attr
  double entry_timeout = 1.0;  // seconds the kernel may trust name -> ino
};

struct AttrOut {
  struct stat attr {};
  double timeout = 1.0;
};

// An open file or directory: flags in, handle and cache hints out.
struct OpenFile {
  int flags = 0;           // open(2) flags (in)
  uint64_t fh = 0;         // filesystem's handle (out of open/create, in for the rest)
  bool direct_io = false;  // bypass the page cache
  bool keep_cache = false; // keep the page cache from earlier opens
  bool nonseekable = false;
  bool cache_readdir = false;
  // open/create (out): close sends no FLUSH for this handle (the filesystem
  // has nothing to do then; ignored by the kernel under writeback_cache).
  bool noflush = false;
  uint64_t lock_owner = 0; // flush/release: the lock owner the kernel named
  // write, open (O_TRUNC), create: the kernel asks to clear S_ISUID, and
  // S_ISGID if group-executable (only with ChannelOptions::handle_killpriv,
  // when the caller lacks CAP_FSETID).
  bool kill_suidgid = false;
  // The kernel's writeback cache is on for this mount: write offsets are
  // the kernel's (ignore O_APPEND), reads may come on write-only handles.
  bool writeback_cache = false;
};

// setattr input: `valid` is a bitwise OR of the FUSE_SET_ATTR_* values
// (MODE, UID, GID, SIZE, ATIME, MTIME, ATIME_NOW, MTIME_NOW, CTIME,
// KILL_SUID, KILL_SGID from fuse_lowlevel.h), the values are in `attr`.
struct SetAttrIn {
  int valid = 0;
  struct stat attr {};
  std::optional<uint64_t> fh;  // set when the kernel named an open handle (ftruncate)
  // Truncate under ChannelOptions::handle_killpriv by a caller without
  // CAP_FSETID: clear S_ISUID, and S_ISGID if group-executable.
  bool kill_suidgid = false;
  // The kernel's writeback cache is on: it keeps mtime itself and sends
  // utimes-to-now as an explicit MTIME (with ATIME_NOW), not MTIME_NOW.
  bool writeback_cache = false;
};

// One directory entry returned by readdir.
struct DirEntry {
  std::string name;
  Ino ino = 0;          // st_ino shown to the application
  uint32_t type = 0;    // S_IFMT bits
  uint64_t offset = 0;  // cookie to resume after this entry (> 0)
  // readdirplus only: the full entry (unset for "." and ".."; the framework
  // sends them without a lookup).
  std::optional<Entry> entry;
};

struct Ops {
  // Called once the kernel has finished INIT; may not suspend.
  std::function<void()> init;
  // Called when the session ends (unmount or shutdown); may not suspend.
  std::function<void()> destroy;

  std::function<int(Request&, Ino parent, const std::string& name, Entry* out)> lookup;
  // The kernel forgot every reference to ino: drop what was kept for it.
  std::function<void(Ino ino)> reclaim;
  std::function<int(Request&, Ino ino, AttrOut* out)> getattr;
  std::function<int(Request&, Ino ino, const SetAttrIn& in, AttrOut* out)> setattr;
  std::function<int(Request&, Ino ino, std::string* target)> readlink;
  std::function<int(Request&, Ino parent, const std::string& name, mode_t mode, dev_t rdev,
                    Entry* out)> mknod;
  std::function<int(Request&, Ino parent, const std::string& name, mode_t mode, Entry* out)> mkdir;
  std::function<int(Request&, Ino parent, const std::string& name)> unlink;
  std::function<int(Request&, Ino parent, const std::string& name)> rmdir;
  std::function<int(Request&, const std::string& target, Ino parent, const std::string& name,
                    Entry* out)> symlink;
  // flags: 0, RENAME_NOREPLACE, RENAME_EXCHANGE.
  std::function<int(Request&, Ino parent, const std::string& name, Ino new_parent,
                    const std::string& new_name, unsigned int flags)> rename;
  std::function<int(Request&, Ino ino, Ino new_parent, const std::string& new_name, Entry* out)> link;

  std::function<int(Request&, Ino ino, OpenFile* fi)> open;
  std::function<int(Request&, Ino parent, const std::string& name, mode_t mode, OpenFile* fi,
                    Entry* out)> create;
  // Fills `out` with at most `size` bytes; fewer only at end of file.
  std::function<int(Request&, Ino ino, size_t size, off_t offset, OpenFile& fi, std::string* out)> read;
  std::function<int(Request&, Ino ino, const char* data, size_t size, off_t offset, OpenFile& fi,
                    size_t* written)> write;
  std::function<int(Request&, Ino ino, OpenFile& fi)> flush;
  std::function<int(Request&, Ino ino, OpenFile& fi)> release;
  std::function<int(Request&, Ino ino, bool datasync, OpenFile& fi)> fsync;
  std::function<int(Request&, Ino ino, int mode, off_t offset, off_t length, OpenFile& fi)> fallocate;

  std::function<int(Request&, Ino ino, OpenFile* fi)> opendir;
  // Entries after `offset` (0 = from the start, "." and ".." first). Return
  // as many as is convenient; the framework packs what fits in the kernel's
  // buffer and drops the rest (they are asked for again from their offset).
  std::function<int(Request&, Ino ino, uint64_t offset, bool plus, OpenFile& fi,
                    std::vector<DirEntry>* out)> readdir;
  std::function<int(Request&, Ino ino, OpenFile& fi)> releasedir;
  std::function<int(Request&, Ino ino, bool datasync, OpenFile& fi)> fsyncdir;

  std::function<int(Request&, Ino ino, struct statvfs* out)> statfs;

  // Extended attributes. Names the kernel never uses on a puffs mount (POSIX
  // ACLs, security.selinux: UnusedXattrName in fuse_dispatch.h says why)
  // never reach getxattr and setxattr (the framework answers EOPNOTSUPP) and
  // are left out of listxattr; removexattr still gets them.
  // flags: 0, XATTR_CREATE, XATTR_REPLACE.
  std::function<int(Request&, Ino ino, const std::string& name, const std::string& value,
                    int flags)> setxattr;
  // The whole value; the framework answers size queries and ERANGE.
  std::function<int(Request&, Ino ino, const std::string& name, std::string* value)> getxattr;
  std::function<int(Request&, Ino ino, std::vector<std::string>* names)> listxattr;
  std::function<int(Request&, Ino ino, const std::string& name)> removexattr;
};

}  // namespace rpuffs::puffs
