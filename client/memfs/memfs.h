// client/memfs — MemFs, a complete in-memory filesystem behind a puffs::Ops table.
//
// MemFs keeps every inode, directory entry, byte and xattr in memory and
// answers each op the way a local disk filesystem would: POSIX errno values,
// ownership and permission rules (see access.h), nanosecond times, link
// counts, sparse files, unlinked-but-open files, fallocate, xattrs, fifos,
// sockets and device nodes.
//
// Ownership: MakeOps() returns a table whose functions point at this MemFs;
// the MemFs must outlive every use of the table.
// Threading: none. Every op runs on the framework's loop thread, and no op
// ever suspends (nothing here waits), so no op observes another half-done.
// Lifetime of inodes: an inode is dropped once it has no links, no open
// handles and the kernel has forgotten it (ops.reclaim).
//
// Each op returns 0 or a positive errno; outputs are written only on success.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "client/memfs/inode.h"
#include "client/puffs/ops.h"
#include "client/puffs/request.h"

namespace rpuffs::memfs {

struct MemFsOptions {
  // Bytes of file data (st_blocks) the filesystem may hold; 0 = half the
  // machine's physical memory, as tmpfs does. Beyond it writes get ENOSPC.
  uint64_t capacity_bytes = 0;
  // Inodes it may hold; 0 = capacity_bytes / 4096 (at least 65,536).
  uint64_t max_inodes = 0;
  // Owner and mode of the root directory; owner defaults to the process's
  // effective uid/gid.
  mode_t root_mode = 0755;
  std::optional<uid_t> root_uid;
  std::optional<gid_t> root_gid;
  // Seconds the kernel may cache attributes and names (-o attr_timeout=,
  // entry_timeout=). MemFs has no writer but this kernel, and the kernel
  // drops what a change it makes invalidates (the parent's attributes after
  // a create, a file's after a write, atime after a read or readdir), so any
  // value is correct; an hour keeps repeated stats and path walks in the
  // kernel (the POSIX suite passes with it, and with 0).
  double attr_timeout = 3600;
  double entry_timeout = 3600;
  // Seconds the kernel may cache "no such name" (-o negative_timeout=): a
  // lookup that misses in a live directory answers a negative entry (ino 0)
  // with this timeout, so repeated misses (and the lookup before a create of
  // that name) stay in the kernel. Correct for the same reason: every
  // create, link, rename and mknod goes through this kernel, which turns the
  // negative dentry into a positive one. 0: a miss answers ENOENT and
  // nothing is cached.
  double negative_timeout = 3600;
};

class MemFs {
 public:
  static constexpr uint64_t kMaxFileSize = uint64_t{1} << 50;  // 1 PiB
  static constexpr size_t kNameMax = 255;
  static constexpr size_t kSymlinkMax = 4095;
  static constexpr nlink_t kLinkMax = 65000;
  static constexpr size_t kXattrNameMax = 255;
  static constexpr size_t kXattrValueMax = 64 * 1024;
  static constexpr size_t kXattrTotalMax = 1024 * 1024;  // per inode

  explicit MemFs(MemFsOptions options = {});
  MemFs(const MemFs&) = delete;
  MemFs& operator=(const MemFs&) = delete;

  // The ops table bound to this filesystem.
  puffs::Ops MakeOps();

  // Introspection for tests and statfs.
  size_t inode_count() const { return table_.size(); }
  bool HasInode(Ino ino) const { return table_.Find(ino) != nullptr; }
  uint64_t used_bytes() const { return used_bytes_; }

  // The ops (memfs_*.cc); see puffs::Ops for each one's contract.
  int Lookup(puffs::Request& req, Ino parent, const std::string& name, puffs::Entry* out);
  void Reclaim(Ino ino);
  int Getattr(puffs::Request& req, Ino ino, puffs::AttrOut* out);
  int Setattr(puffs::Request& req, Ino ino, const puffs::SetAttrIn& in, puffs::AttrOut* out);
  int Readlink(puffs::Request& req, Ino ino, std::string* target);
  int Mknod(puffs::Request& req, Ino parent, const std::string& name, mode_t mode, dev_t rdev,
            puffs::Entry* out);
  int Mkdir(puffs::Request& req, Ino parent, const std::string& name, mode_t mode,
            puffs::Entry* out);
  int Unlink(puffs::Request& req, Ino parent, const std::string& name);
  int Rmdir(puffs::Request& req, Ino parent, const std::string& name);
  int Symlink(puffs::Request& req, const std::string& target, Ino parent, const std::string& name,
              puffs::Entry* out);
  int Rename(puffs::Request& req, Ino parent, const std::string& name, Ino new_parent,
             const std::string& new_name, unsigned int flags);
  int Link(puffs::Request& req, Ino ino, Ino new_parent, const std::string& new_name,
           puffs::Entry* out);
  int Open(puffs::Request& req, Ino ino, puffs::OpenFile* fi);
  int Create(puffs::Request& req, Ino parent, const std::string& name, mode_t mode,
             puffs::OpenFile* fi, puffs::Entry* out);
  int Read(puffs::Request& req, Ino ino, size_t size, off_t offset, puffs::OpenFile& fi,
           std::string* out);
  int Write(puffs::Request& req, Ino ino, const char* data, size_t size, off_t offset,
            puffs::OpenFile& fi, size_t* written);
  int Release(puffs::Request& req, Ino ino, puffs::OpenFile& fi);
  int Fallocate(puffs::Request& req, Ino ino, int mode, off_t offset, off_t length,
                puffs::OpenFile& fi);
  int Opendir(puffs::Request& req, Ino ino, puffs::OpenFile* fi);
  int Readdir(puffs::Request& req, Ino ino, uint64_t offset, bool plus, puffs::OpenFile& fi,
              std::vector<puffs::DirEntry>* out);
  int Releasedir(puffs::Request& req, Ino ino, puffs::OpenFile& fi);
  int Statfs(puffs::Request& req, Ino ino, struct statvfs* out);
  int Setxattr(puffs::Request& req, Ino ino, const std::string& name, const std::string& value,
               int flags);
  int Getxattr(puffs::Request& req, Ino ino, const std::string& name, std::string* value);
  int Listxattr(puffs::Request& req, Ino ino, std::vector<std::string>* names);
  int Removexattr(puffs::Request& req, Ino ino, const std::string& name);

 private:
  // Most entries one readdir returns. Readdirplus marks every entry it
  // returns as known to the kernel, but the framework counts only those that
  // fit in the kernel's buffer; so it returns about one buffer's worth. An
  // entry marked but dropped is harmless: it comes again on the next call,
  // and removing it later goes through a counted lookup, hence a reclaim.
  static constexpr size_t kReaddirBatch = 512;
  static constexpr size_t kReaddirPlusBatch = 48;

  struct Handle {
    Ino ino = 0;
    int flags = 0;
  };

  // Shared steps (memfs.cc).
  // The directory `ino`, if the caller may access it for mask: ENOENT,
  // ENOTDIR, EACCES. For creating entries pass for_create (ENOENT once the
  // directory was removed).
  int DirFor(puffs::Request& req, Ino ino, int mask, Inode** dir, bool for_create = false);
  // Checks a new entry's name and that it is free: ENAMETOOLONG, EEXIST, ENOSPC.
  int CheckNewEntry(const Inode& dir, const std::string& name) const;
  // A new inode owned by the caller, group from a setgid dir, umask applied.
  Inode& NewInode(puffs::Request& req, const Inode& dir, mode_t mode, dev_t rdev);
  void AddEntry(Inode& dir, const std::string& name, Inode& child);
  // Unlinks name from dir; child may be freed.
  void RemoveEntry(Inode& dir, const std::string& name, Inode& child);
  void FillEntry(Inode& node, puffs::Entry* out);
  void FillAttr(const Inode& node, puffs::AttrOut* out) const;
  // Lookup's answer for a name `dir` does not hold: a negative entry (ino 0)
  // when options_.negative_timeout > 0, else ENOENT.
  int MissingEntry(const Inode& dir, puffs::Entry* out) const;
  // Frees node if it has no links, no handles and the kernel forgot it.
  void MaybeFree(Inode& node);
  // Runs a change of node's data, keeping used_bytes_ up to date.
  template <typename Fn>
  void ChangeData(Inode& node, Fn fn) {
    const uint64_t before = node.data.allocated_bytes();
    fn(node.data);
    used_bytes_ = used_bytes_ - before + node.data.allocated_bytes();
  }
  // ChangeData for a change that may fail part way (fn returns 0 or an
  // errno): on failure, whatever it stored past the file's size is dropped.
  template <typename Fn>
  int TryChangeData(Inode& node, Fn fn) {
    int err = 0;
    ChangeData(node, [&](FileData& data) {
      if ((err = fn(data)) != 0) data.Truncate(node.attr.st_size);
    });
    return err;
  }
  bool HasRoomFor(uint64_t growth) const { return used_bytes_ + growth <= capacity_bytes_; }
  // A new open handle on node (counted in open_count); CloseHandle undoes it
  // and frees the node if that was the last thing keeping it.
  uint64_t OpenHandle(Inode& node, int flags);
  void CloseHandle(Ino ino, uint64_t fh);
  // Entry removal shared by unlink and rmdir.
  int RemoveName(puffs::Request& req, Ino parent, const std::string& name, bool want_dir);

  // Rename steps (memfs_rename.cc).
  bool IsAncestorOrSelf(Ino ancestor, Ino ino) const;
  int CheckRenameTarget(const Inode& src, const Inode* dst, unsigned int flags) const;
  void MoveEntry(Inode& src_dir, const std::string& name, Inode& dst_dir,
                 const std::string& new_name, Inode& src, Inode* dst);
  void ExchangeEntries(Inode& src_dir, const std::string& name, Inode& dst_dir,
                       const std::string& new_name, Inode& src, Inode& dst);

  // Setattr steps (memfs_attr.cc).
  int CheckSetattr(puffs::Request& req, const Inode& node, const puffs::SetAttrIn& in);
  void ApplySetattr(puffs::Request& req, Inode& node, const puffs::SetAttrIn& in);

  MemFsOptions options_;
  uint64_t capacity_bytes_ = 0;
  uint64_t max_inodes_ = 0;
  uint64_t used_bytes_ = 0;
  InodeTable table_;
  std::unordered_map<uint64_t, Handle> handles_;
  uint64_t next_handle_ = 1;
};

}  // namespace rpuffs::memfs
