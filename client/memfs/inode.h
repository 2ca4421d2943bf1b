// client/memfs — inodes and the table that owns them.
//
// An Inode is one file, directory, symlink, fifo, socket or device node. The
// kind-specific parts (entries for directories, data for regular files,
// target for symlinks) are simply left empty for the other kinds.
//
// The InodeTable owns every inode, and the ChunkArena their file bytes live
// in. Inode numbers count up from kRootIno and are never reused, so the
// generation is always 0. Pointers and references to an inode stay valid
// until Erase(ino).
//
// Lifetime rule (enforced by MemFs, not here): an inode lives while
// st_nlink > 0, or open_count > 0, or the kernel may still hold a lookup
// reference (kernel_known, cleared by ops.reclaim).
//
// Not thread-safe; memfs runs on the framework's loop thread only.
#pragma once

#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>

#include "client/memfs/directory.h"
#include "client/memfs/file_data.h"
#include "client/puffs/ops.h"

namespace rpuffs::memfs {

using puffs::Ino;

// CLOCK_REALTIME, nanoseconds included.
struct timespec Now();

struct Inode {
  // A fresh inode with all three times set to now; nlink 1 for directories
  // (their "." entry), 0 otherwise (the caller links it into a directory).
  // A regular file's bytes go into `arena`, which must outlive the inode.
  Inode(Ino ino, mode_t mode, uid_t uid, gid_t gid, dev_t rdev, ChunkArena& arena);

  bool is_dir() const { return S_ISDIR(attr.st_mode); }
  bool is_reg() const { return S_ISREG(attr.st_mode); }
  bool is_symlink() const { return S_ISLNK(attr.st_mode); }
  uint32_t type() const { return attr.st_mode & S_IFMT; }

  void TouchCtime();       // ctime = now (any inode change)
  void TouchMtime();       // mtime = ctime = now (content change)
  // The attributes the kernel sees, st_blocks from the data really allocated.
  struct stat Stat() const;

  struct stat attr {};     // st_ino, st_blocks, st_blksize are filled by Stat()
  uint32_t open_count = 0; // open handles (files and directories)
  bool kernel_known = false;
  Ino parent = 0;          // directories only: the directory holding this one

  Directory entries;       // directories
  FileData data;           // regular files
  std::string target;      // symlinks
  std::map<std::string, std::string> xattrs;
  size_t xattr_bytes = 0;  // sum of names and values in xattrs
};

class InodeTable {
 public:
  // nullptr if there is no such inode.
  Inode* Find(Ino ino) const;
  // A new inode with the next number.
  Inode& Create(mode_t mode, uid_t uid, gid_t gid, dev_t rdev);
  void Erase(Ino ino);
  size_t size() const { return inodes_.size(); }

 private:
  ChunkArena arena_;  // declared first: destroyed after every inode
  std::unordered_map<Ino, std::unique_ptr<Inode>> inodes_;
  Ino next_ino_ = puffs::kRootIno;
};

}  // namespace rpuffs::memfs
