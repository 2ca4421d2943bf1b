// storage/volume_impl.h — the RocksDB implementation of Volume (internal).
//
// The public methods are defined one per file under storage/ops/; this header
// also declares the shared internals they use: inode/dentry reads, inode
// allocation, link dropping and reclaim, block I/O, and RunLocked, which
// takes the striped locks (and the rename lock) around one Mutation.
//
// Locking: an operation computes the inodes it will change from an unlocked
// look (LockFn), locks them in order, then its body re-reads everything; if
// the names now point elsewhere the body returns kRetryLocked and RunLocked
// starts over (bounded). Renames between different parents also hold
// rename_mu_ (taken before any stripe), so the "moved under itself" walk up
// ".." sees a stable tree. Reads (GetAttr, Read, Readdir, Lookup) take no
// locks: every change is one atomic batch, Read uses a snapshot, and a lookup
// that loses its inode to a concurrent unlink looks again. Inode records are
// cached (inode_cache.h); a commit invalidates what it wrote before its locks
// are released. Read takes the inode's lock only to update atime.
//
// Open handles: 'H' records in RocksDB plus an in-memory count per inode
// (open_counts_), changed only under the inode's stripe lock after commit.
// Handles of sessions not recorded with AddSession do not survive a restart.
//
// Choices a user can notice:
// - Data in blocks of VolumeOptions::block_size (64 KiB); holes are missing
//   blocks; st_blocks counts stored blocks (a partly written block counts
//   whole). Maximum file size 2^50 bytes (EFBIG), hard links 65000 (EMLINK).
// - atime is relatime-like: a Read updates it only when it is not newer than
//   mtime or ctime, or is more than 24 h old.
// - Fallocate mode 0 checks space and extends the size but reserves nothing
//   (blocks stay holes until written).
// - capacity_bytes == 0: statfs reports the data dir's filesystem (bavail
//   less the headroom DiskRoom keeps for RocksDB); otherwise writes that would
//   allocate blocks past capacity_bytes fail with ENOSPC. Either way, on a
//   real filesystem file data is refused with ENOSPC before it would eat into
//   that headroom (disk_room.h).
// - Directory size is 0; nlink of a directory is 2 + its subdirectories.
// - Inode numbers come from a counter persisted in ranges of 4096 ahead of
//   use, so they are never reused (also not after a crash); generation is 1.
// - Every outcome of a mutation with seq != 0 is recorded, failures included.
// - A write that covers part of a block stores a patch (RocksDB Merge), not
//   the whole block; compactions fold patches into blocks. Builds before
//   block patches cannot read a volume that has them.
// - Reads do not verify the CRC of file blocks (fsck does); file blocks are
//   stored uncompressed and cached in a process-wide 256 MiB blob cache.
#pragma once

#include <rocksdb/env.h>

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "storage/db.h"
#include "storage/disk_room.h"
#include "storage/inode_cache.h"
#include "storage/locks.h"
#include "storage/mutation.h"
#include "storage/records.h"
#include "storage/volume.h"

namespace rpuffs::storage {

constexpr uint64_t kMaxFileSize = 1ull << 50;  // EFBIG beyond
constexpr uint32_t kLinkMax = 65000;           // EMLINK beyond
constexpr int kRetryLocked = -1;               // body saw a changed name: relock
constexpr uint32_t kRenameNoReplace = 1;       // = Linux RENAME_NOREPLACE
constexpr uint32_t kRenameExchange = 2;        // = Linux RENAME_EXCHANGE

class VolumeImpl final : public Volume {
 public:
  // Opens the database at `path`, creating the root on first use, and
  // reclaims orphans that no recorded session holds. `env` may be null.
  static Result<std::unique_ptr<VolumeImpl>> Open(const std::string& path, const VolumeOptions& options,
                                                  rocksdb::Env* env);

  Status AddSession(uint64_t session) override;
  Result<std::vector<uint64_t>> ListSessions() override;
  Status DropSession(uint64_t session) override;
  Status AckBelow(uint64_t session, uint64_t seq) override;
  Result<Attr> Lookup(const Caller& c, Ino parent, std::string_view name) override;
  Result<Attr> GetAttr(Ino ino) override;
  Result<Attr> SetAttr(const OpId& op, const Caller& c, Ino ino, const SetAttrIn& in) override;
  Result<CreateOut> Create(const OpId& op, const Caller& c, Ino parent, std::string_view name, uint32_t mode,
                           uint32_t flags) override;
  Result<Attr> Mknod(const OpId& op, const Caller& c, Ino parent, std::string_view name, uint32_t mode,
                     uint64_t rdev) override;
  Result<Attr> Mkdir(const OpId& op, const Caller& c, Ino parent, std::string_view name, uint32_t mode) override;
  Status Unlink(const OpId& op, const Caller& c, Ino parent, std::string_view name) override;
  Status Rmdir(const OpId& op, const Caller& c, Ino parent, std::string_view name) override;
  Result<Attr> Symlink(const OpId& op, const Caller& c, Ino parent, std::string_view name,
                       std::string_view target) override;
  Result<std::string> Readlink(Ino ino) override;
  Result<Attr> Link(const OpId& op, const Caller& c, Ino ino, Ino new_parent, std::string_view new_name) override;
  Status Rename(const OpId& op, const Caller& c, Ino parent, std::string_view name, Ino new_parent,
                std::string_view new_name, uint32_t flags) override;
  Result<OpenOut> Open(const OpId& op, const Caller& c, Ino ino, uint32_t flags) override;
  Status Release(uint64_t session, uint64_t fh, bool sync) override;
  Result<std::string> Read(Ino ino, uint64_t offset, uint32_t size) override;
  Result<WriteOut> Write(const OpId& op, const Caller& c, Ino ino, uint64_t offset, std::string_view data,
                         bool append) override;
  Status Fsync(Ino ino) override;
  Result<Attr> Fallocate(const OpId& op, const Caller& c, Ino ino, uint32_t mode, uint64_t offset,
                         uint64_t length) override;
  Result<StatFs> Statfs() override;
  Result<ReaddirOut> Readdir(const Caller& c, Ino ino, uint64_t offset, uint32_t max_entries, bool plus) override;
  Status SetXattr(const OpId& op, const Caller& c, Ino ino, std::string_view name, std::string_view value,
                  uint32_t flags) override;
  Result<std::string> GetXattr(const Caller& c, Ino ino, std::string_view name) override;
  Result<std::vector<std::string>> ListXattr(const Caller& c, Ino ino) override;
  Status RemoveXattr(const OpId& op, const Caller& c, Ino ino, std::string_view name) override;

  // ---- internals (volume_impl.cc) -----------------------------------------
  VolumeDb& db() { return *db_; }
  uint32_t block_size() const { return options_.block_size; }
  const VolumeOptions& options() const { return options_; }

  // ESTALE if the volume has no such inode. Served from the inode cache
  // unless `ro` names a snapshot.
  Status LoadInode(Ino ino, Inode* out, const rocksdb::ReadOptions& ro = rocksdb::ReadOptions()) const;
  // LoadInode + ENOTDIR + EACCES unless the caller has `mask` on it.
  Status LoadDir(const Caller& c, Ino ino, int mask, Inode* out) const;
  // ENOENT if `parent` has no entry `name`.
  Status FindEntry(Ino parent, std::string_view name, DentryValue* out) const;
  // FindEntry + the inode it names (EIO if that is missing).
  Status LoadChild(Ino parent, std::string_view name, Inode* out) const;
  // The ino a name points at now, or 0 (for LockFns).
  Ino PeekChild(Ino parent, std::string_view name) const;
  // Does directory `ino` have any entry besides "." and ".."? (one seek)
  bool HasEntries(Ino ino) const;
  // A fresh inode number, never used before (ENOSPC past max_inodes).
  Result<Ino> AllocIno();
  // A new inode for `c` in `dir`: owner, setgid-directory group rules, times.
  Inode NewInode(const Caller& c, const Inode& dir, Ino ino, uint32_t mode) const;
  // Adds inode + dentry + parent update for a freshly made child of `dir`.
  void AddChild(Mutation& m, Inode* dir, std::string_view name, const Inode& child);
  // One link of `victim` is gone (its dentry already deleted by the caller):
  // nlink--, and at 0 either an orphan marker (open handles) or reclaim.
  void DropLink(Mutation& m, Inode* victim);
  // Deletes the inode, its blocks and xattrs, adjusts counters.
  void Reclaim(Mutation& m, const Inode& inode);
  uint32_t OpenCount(Ino ino) const;
  void AddOpenCount(Ino ino, int delta);
  // Records handle (session, fh) -> ino in `m`; returns fh.
  uint64_t AddHandle(Mutation& m, uint64_t session, Ino ino);
  // ENOSPC if `new_blocks` more blocks would pass capacity_bytes, or if
  // writing `data_bytes` of file data would eat into RocksDB's headroom on
  // the data dir's filesystem (disk_room.h; on a real filesystem only).
  Status CheckSpace(int64_t new_blocks, uint64_t data_bytes = 0) const;
  // Name rules shared by every op: EINVAL (empty, '/', NUL), ENAMETOOLONG.
  static Status CheckName(std::string_view name);
  static bool IsDotName(std::string_view name) { return name == "." || name == ".."; }

  // The shared tail of Create/Mknod/Mkdir/Symlink (ops/make_node.cc): checks
  // `parent` (ENOTDIR, EACCES, EMLINK for a subdirectory) and the name
  // (EEXIST), then allocates and links a child shaped like `proto`.
  Outcome MakeNode(Mutation& m, const Caller& c, Ino parent, std::string_view name, const Inode& proto);
  // MakeNode's second half, for a caller that already loaded `dir` (with
  // search permission) and knows `name` is free in it.
  Outcome MakeNodeIn(Mutation& m, const Caller& c, Inode* dir, std::string_view name, const Inode& proto);
  // Opens `inode` for `session` with open(2) `flags` (ops/open.cc): access for
  // O_ACCMODE (EACCES), EISDIR for writing a directory, O_TRUNC.
  Outcome OpenLocked(Mutation& m, const Caller& c, Inode* inode, uint32_t flags, uint64_t session);

  // SetXattr/RemoveXattr (ops/setxattr.cc): the permission to change xattr
  // `name` of `inode`, its key and whether it exists.
  Outcome CheckXattrChange(const Caller& c, const Inode& inode, std::string_view name, std::string* key,
                           bool* exists);

  using LockFn = std::function<std::vector<Ino>()>;
  using BodyFn = std::function<Outcome(Mutation&)>;
  // Locks LockFn()'s inodes (plus rename_mu_ if `rename_lock`), checks for a
  // replay, runs body, commits. Retries while body returns kRetryLocked.
  Outcome RunLocked(const OpId& op, const LockFn& lock_fn, const BodyFn& body, bool rename_lock = false);
  // RunLocked for an operation on entry `name` of `parent`: locks the parent
  // and the inode the name points at (`seen`, 0 if none), and runs body only
  // while the name still points there.
  // RunLocked on one inode: locks it, loads it (ESTALE), runs body on it.
  using InodeBodyFn = std::function<Outcome(Mutation&, Inode&)>;
  Outcome RunOnInode(const OpId& op, Ino ino, const InodeBodyFn& body);
  using EntryBodyFn = std::function<Outcome(Mutation&, Ino seen)>;
  Outcome RunOnEntry(const OpId& op, Ino parent, std::string_view name, const EntryBodyFn& body);

  // ---- block I/O (blocks.cc) ----------------------------------------------
  // Calls fn(index, bytes) for each stored block of `ino` in [first, last].
  Status ForEachBlock(const rocksdb::ReadOptions& ro, Ino ino, uint64_t first, uint64_t last,
                      const std::function<void(uint64_t, std::string_view)>& fn) const;
  // Point reads of blocks [first, last] (the blocks of one I/O) in one
  // MultiGet: calls fn(index, bytes) for each stored one, in index order;
  // missing blocks (holes) are skipped. The bytes are pinned only during fn.
  // Cheaper than ForEachBlock for the few blocks of one I/O: no iterator,
  // bloom filters skip files, blob values come from the blob cache. Block
  // checksums are not verified here (fsck does).
  Status ReadBlocks(const rocksdb::ReadOptions& ro, Ino ino, uint64_t first, uint64_t last,
                    const std::function<void(uint64_t, std::string_view)>& fn) const;
  // *any = whether `ino` has a stored block at index >= first (one seek).
  Status HasBlockFrom(Ino ino, uint64_t first, bool* any) const;
  // Changes inode->size to `size`: drops blocks past it and zeroes the tail
  // of the last kept block (so growth reads zeros). Adjusts alloc_blocks.
  Status Resize(Mutation& m, Inode* inode, uint64_t size);
  // Zeroes [offset, offset+length) of the file: whole blocks are deleted.
  Status PunchHole(Mutation& m, Inode* inode, uint64_t offset, uint64_t length);

  // Decoded inodes; Mutation::Commit invalidates what it wrote.
  InodeCache& inode_cache() { return inode_cache_; }

  // Startup and counter state (volume_open.cc).
  std::atomic<int64_t> used_blocks_{0};
  std::atomic<int64_t> inodes_{0};

 private:
  VolumeImpl() = default;
  Status Recover();
  Status LoadCounters();
  Status ReclaimUnheldOrphans();
  Status ReleaseHandle(uint64_t session, uint64_t fh, bool sync);

  std::unique_ptr<VolumeDb> db_;
  VolumeOptions options_;
  std::string path_;
  std::unique_ptr<DiskRoom> room_;  // on a real filesystem only (null on a test Env)
  StripedLocks locks_;
  mutable InodeCache inode_cache_;
  std::mutex rename_mu_;
  std::mutex ino_mu_;
  uint64_t next_ino_ = 0;   // guarded by ino_mu_
  uint64_t ino_limit_ = 0;  // guarded by ino_mu_; persisted before use
  std::atomic<uint64_t> next_fh_{1};
  mutable std::mutex handles_mu_;
  std::unordered_map<Ino, uint32_t> open_counts_;  // guarded by handles_mu_
  // Per session, the seq below which AckBelow has deleted every retry record
  // (in memory only: after a restart the first ack scans from 0).
  std::mutex acked_mu_;
  std::unordered_map<uint64_t, uint64_t> acked_below_;  // guarded by acked_mu_
};

}  // namespace rpuffs::storage
