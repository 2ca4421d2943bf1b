// storage/ — the public API of a volume: every inode, directory entry, byte of
// file data and xattr of one volume, kept in RocksDB, with all POSIX rules.
//
// What it promises:
// - Each mutating call is one atomic RocksDB WriteBatch (metadata and data
//   column families together): a crash or kill -9 at any instant leaves the
//   volume consistent (fsck finds nothing).
// - Writes go through the WAL unsynced (they survive kill -9 of the process);
//   Fsync() and Release(.., sync=true) commit with sync=true, so they also
//   survive a machine crash.
// - Mutations take an OpId. When op.seq != 0 and (op.session, op.seq) was
//   already applied, the call applies nothing and returns the first outcome
//   (the same errno, the same attributes). The record of that outcome is
//   stored in the same batch as the change. Records below an acked watermark
//   may be dropped (AckBelow).
// - Permission rules are enforced for the Caller (uid 0 bypasses them as
//   root does): search permission on every directory walked, write+search on
//   a directory to change it, sticky directories, setgid directories passing
//   their group on, S_ISUID/S_ISGID cleared on write and chown by non-root,
//   and ctime updated on every inode change.
// - Inode numbers are never reused while the inode exists; a number the
//   volume does not know is ESTALE.
// - Thread-safe: any number of threads may call any method at once (striped
//   per-inode locks taken in sorted order, plus a rename lock).
//
// Errors: every call returns a POSIX errno; the per-method comments list the
// ones specific to it. EIO means RocksDB failed (message has its text);
// after a failed durable write the volume refuses further writes with EIO.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "storage/result.h"
#include "storage/rocks_log.h"

namespace rpuffs::storage {

using Ino = uint64_t;
constexpr Ino kRootIno = 1;

constexpr uint32_t kNameMax = 255;
constexpr uint32_t kSymlinkMax = 4095;
constexpr uint32_t kMaxIo = 1u << 20;          // largest Read/Write
constexpr uint32_t kXattrNameMax = 255;
constexpr uint32_t kXattrValueMax = 65536;

struct Timespec {
  int64_t sec = 0;
  uint32_t nsec = 0;
};

struct Attr {
  Ino ino = 0;
  uint32_t mode = 0;  // S_IFMT | 07777
  uint32_t nlink = 0;
  uint32_t uid = 0;
  uint32_t gid = 0;
  uint64_t rdev = 0;
  uint64_t size = 0;
  uint64_t blocks = 0;  // 512-byte units allocated
  uint32_t blksize = 0;
  Timespec atime, mtime, ctime;
  uint64_t generation = 0;
  enum class XattrPresence : uint8_t { kUnknown, kNone, kSome } xattrs = XattrPresence::kUnknown;  // = proto's
};

struct Caller {
  uint32_t uid = 0;
  uint32_t gid = 0;
  std::vector<uint32_t> groups;  // supplementary
  bool is_root() const { return uid == 0; }
};

// Identifies one mutation for retry detection; seq == 0 disables it.
struct OpId {
  uint64_t session = 0;
  uint64_t seq = 0;
};

// SetAttr fields; the bit values equal proto's SetAttrValid.
struct SetAttrIn {
  enum : uint32_t {
    kMode = 1, kUid = 2, kGid = 4, kSize = 8, kAtime = 16, kMtime = 32,
    kAtimeNow = 64, kMtimeNow = 128, kKillSuidGid = 256,
  };
  uint32_t valid = 0;
  uint32_t mode = 0;
  uint32_t uid = 0;
  uint32_t gid = 0;
  uint64_t size = 0;
  Timespec atime, mtime;
};

struct CreateOut {
  Attr attr;
  uint64_t fh = 0;
  bool created = false;
};

struct OpenOut {
  uint64_t fh = 0;
  Attr attr;
};

struct WriteOut {
  uint32_t count = 0;
  Attr attr;
};

struct DirEntry {
  std::string name;
  Ino ino = 0;
  uint32_t type = 0;    // S_IFMT bits
  uint64_t offset = 0;  // resume cookie: stable, > 0, < 2^63
  Attr attr;            // filled only when plus
};

struct ReaddirOut {
  std::vector<DirEntry> entries;  // "." and ".." first, when offset == 0
  bool eof = false;
};

struct StatFs {
  uint32_t bsize = 0, frsize = 0;
  uint64_t blocks = 0, bfree = 0, bavail = 0, files = 0, ffree = 0;
  uint32_t namemax = kNameMax;
};

struct VolumeOptions {
  uint32_t block_size = 65536;          // file data is stored in blocks of this size
  uint64_t capacity_bytes = 0;          // statfs size; 0 = that of the data dir's filesystem
  uint64_t max_inodes = 1ull << 32;     // statfs files
  bool sync_all_writes = false;         // testing: every write synced
  RocksLogSink rocksdb_log;             // RocksDB's warnings and errors (empty: stderr), rocks_log.h
};

class Volume {
 public:
  virtual ~Volume() = default;

  // ---- sessions and open handles (handles live in RocksDB) -----------------
  // Records a session so its handles survive a server restart.
  virtual Status AddSession(uint64_t session) = 0;
  // Every session recorded, e.g. to resume leases after a restart.
  virtual Result<std::vector<uint64_t>> ListSessions() = 0;
  // Releases every handle of `session`, reclaims inodes that were unlinked and
  // held only by it, forgets its retry records. Unknown session: ok.
  virtual Status DropSession(uint64_t session) = 0;
  // Drop retry records of `session` with seq < `seq`.
  virtual Status AckBelow(uint64_t session, uint64_t seq) = 0;

  // ---- metadata ------------------------------------------------------------
  // ENOENT, ENOTDIR (parent not a dir), EACCES (no search), ENAMETOOLONG, EINVAL.
  virtual Result<Attr> Lookup(const Caller& c, Ino parent, std::string_view name) = 0;
  virtual Result<Attr> GetAttr(Ino ino) = 0;
  // EPERM (chmod/chown/utimes by non-owner), EISDIR (size on dir), EINVAL,
  // EFBIG. A size change zero-fills growth and drops data past the new end.
  virtual Result<Attr> SetAttr(const OpId& op, const Caller& c, Ino ino, const SetAttrIn& in) = 0;
  // Creates a regular file and opens it for `session`. EEXIST with O_EXCL;
  // otherwise an existing file is opened (and truncated with O_TRUNC), EISDIR
  // if it is a directory.
  virtual Result<CreateOut> Create(const OpId& op, const Caller& c, Ino parent, std::string_view name,
                                   uint32_t mode, uint32_t flags) = 0;
  virtual Result<Attr> Mknod(const OpId& op, const Caller& c, Ino parent, std::string_view name,
                             uint32_t mode, uint64_t rdev) = 0;
  virtual Result<Attr> Mkdir(const OpId& op, const Caller& c, Ino parent, std::string_view name,
                             uint32_t mode) = 0;
  // EISDIR for a directory; EPERM/EACCES per sticky rules.
  virtual Status Unlink(const OpId& op, const Caller& c, Ino parent, std::string_view name) = 0;
  // ENOTEMPTY, ENOTDIR, EINVAL for ".", EBUSY for the root.
  virtual Status Rmdir(const OpId& op, const Caller& c, Ino parent, std::string_view name) = 0;
  virtual Result<Attr> Symlink(const OpId& op, const Caller& c, Ino parent, std::string_view name,
                               std::string_view target) = 0;
  virtual Result<std::string> Readlink(Ino ino) = 0;  // EINVAL if not a symlink
  // EPERM for a directory; EMLINK past the link limit.
  virtual Result<Attr> Link(const OpId& op, const Caller& c, Ino ino, Ino new_parent,
                            std::string_view new_name) = 0;
  // flags: 0, RENAME_NOREPLACE (EEXIST), RENAME_EXCHANGE (ENOENT if target
  // missing). EINVAL: directory into its own subtree; ENOTEMPTY: over a
  // non-empty dir; EISDIR/ENOTDIR: type mismatch. Atomic.
  virtual Status Rename(const OpId& op, const Caller& c, Ino parent, std::string_view name,
                        Ino new_parent, std::string_view new_name, uint32_t flags) = 0;

  // ---- files ---------------------------------------------------------------
  // Opens for `op.session` (checks access for the O_ACCMODE in flags; O_TRUNC
  // truncates). The handle keeps the inode alive after its last unlink.
  virtual Result<OpenOut> Open(const OpId& op, const Caller& c, Ino ino, uint32_t flags) = 0;
  // Ends a handle; the last handle of an unlinked inode reclaims it.
  // sync: commit durably (close of a written file). EBADF if unknown.
  virtual Status Release(uint64_t session, uint64_t fh, bool sync) = 0;
  // Holes read as zeros; short only at end of file. EISDIR, EINVAL (size > kMaxIo).
  virtual Result<std::string> Read(Ino ino, uint64_t offset, uint32_t size) = 0;
  // append: write at the current end. Clears S_ISUID/S_ISGID for non-root.
  // EFBIG past the maximum file size, ENOSPC when the volume is full.
  virtual Result<WriteOut> Write(const OpId& op, const Caller& c, Ino ino, uint64_t offset,
                                 std::string_view data, bool append) = 0;
  // Makes everything written so far durable (a synced RocksDB write).
  virtual Status Fsync(Ino ino) = 0;
  // mode: 0 (allocate, extends size), FALLOC_FL_KEEP_SIZE,
  // FALLOC_FL_PUNCH_HOLE|FALLOC_FL_KEEP_SIZE; others EOPNOTSUPP.
  virtual Result<Attr> Fallocate(const OpId& op, const Caller& c, Ino ino, uint32_t mode,
                                 uint64_t offset, uint64_t length) = 0;
  virtual Result<StatFs> Statfs() = 0;

  // ---- directories ---------------------------------------------------------
  // Entries after `offset` (0 = from the start, "." and ".." included), at most
  // max_entries (capped at 4096). ENOTDIR, EACCES (no read permission).
  virtual Result<ReaddirOut> Readdir(const Caller& c, Ino ino, uint64_t offset, uint32_t max_entries,
                                     bool plus) = 0;

  // ---- xattrs --------------------------------------------------------------
  // flags: XATTR_CREATE (EEXIST), XATTR_REPLACE (ENODATA). ERANGE/E2BIG over
  // the limits; EPERM/ENOTSUP for namespaces other than user., trusted.
  // (root), security. and system.posix_acl_*.
  virtual Status SetXattr(const OpId& op, const Caller& c, Ino ino, std::string_view name,
                          std::string_view value, uint32_t flags) = 0;
  virtual Result<std::string> GetXattr(const Caller& c, Ino ino, std::string_view name) = 0;  // ENODATA
  virtual Result<std::vector<std::string>> ListXattr(const Caller& c, Ino ino) = 0;
  virtual Status RemoveXattr(const OpId& op, const Caller& c, Ino ino, std::string_view name) = 0;
};

}  // namespace rpuffs::storage
