// storage/records.h — the values stored under the keys of keys.h: inode
// records, dentry values and retry outcomes, with their binary codecs.
//
// Encodings are little-endian, fixed layout with a leading version byte, so a
// decoder rejects (returns false on) anything truncated or of an unknown
// version. Inode records: version 2 adds the xattr count; version 1 (written
// by older rpuffsd) still decodes, with the count unknown. Outcome records:
// version 2 adds the attributes' xattr presence; version 1 decodes as unknown.
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "storage/volume.h"

namespace rpuffs::storage {

// The stored state of one inode. Attr fields live here too; blocks/blksize are
// derived from alloc_blocks and the volume's block size when exported.
struct Inode {
  Ino ino = 0;
  uint32_t mode = 0;
  uint32_t nlink = 0;
  uint32_t uid = 0;
  uint32_t gid = 0;
  uint64_t rdev = 0;
  uint64_t size = 0;
  uint64_t alloc_blocks = 0;  // data blocks present in the "data" column family
  Timespec atime, mtime, ctime;
  uint64_t generation = 0;
  Ino parent = 0;             // directories: the directory holding its dentry
  std::string target;         // symlinks: the link text
  // How many xattr keys ('X'|ino|name) the inode has, changed in the batch
  // of every SetXattr/RemoveXattr; a new inode has none. kXattrsUnknown for
  // a record of version 1: then counted at the inode's next xattr change.
  static constexpr uint32_t kXattrsUnknown = UINT32_MAX;
  uint32_t xattr_count = 0;

  bool is_dir() const;
  bool is_reg() const;
  bool is_symlink() const;
  Attr ToAttr(uint32_t block_size) const;
};

std::string EncodeInode(const Inode& inode);
bool DecodeInode(std::string_view value, Ino ino, Inode* out);
// The version-1 encoding (no xattr count), as older rpuffsd wrote it: for
// tests of old volumes only.
std::string EncodeInodeV1(const Inode& inode);

struct DentryValue {
  Ino ino = 0;
  uint32_t type = 0;  // S_IFMT bits of the inode
};
std::string EncodeDentry(const DentryValue& d);
bool DecodeDentry(std::string_view value, DentryValue* out);

// What a mutation answered; stored under 'R' for retries.
struct Outcome {
  Outcome() = default;
  explicit Outcome(int error) : err(error) {}
  int err = 0;
  Attr attr;
  uint64_t fh = 0;
  uint32_t count = 0;
  bool created = false;
};
std::string EncodeOutcome(const Outcome& o);
bool DecodeOutcome(std::string_view value, Outcome* out);

Timespec Now();
bool operator<=(const Timespec& a, const Timespec& b);

}  // namespace rpuffs::storage
