// storage/ — a data directory holding named volumes.
//
// Store::Open(dir) creates `dir` if missing, opens every volume in it, and
// creates volume "default" on first start. Each volume is its own RocksDB
// database under DIR/volumes/NAME/ (column families: metadata, data). A second
// Store on the same dir fails with EBUSY (RocksDB's LOCK file), an unusable
// dir with the errno of the failing syscall (EACCES, ENOTDIR, ENOSPC...).
//
// Thread-safe. Volume pointers stay valid until the Store is destroyed;
// destroying it closes every database cleanly (iterators released first).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "storage/result.h"
#include "storage/volume.h"

namespace rpuffs::storage {

struct StoreOptions {
  VolumeOptions volume;           // applied to every volume opened
  bool create_default_volume = true;
  // Testing only: run RocksDB on this Env (e.g. rocksdb::NewMemEnv). Not owned.
  void* rocksdb_env = nullptr;
};

class Store {
 public:
  virtual ~Store() = default;
  static Result<std::unique_ptr<Store>> Open(const std::string& dir, const StoreOptions& options = {});

  // nullptr if there is no such volume.
  virtual Volume* Find(const std::string& name) = 0;
  // EEXIST if it exists; EINVAL for a name that is not [A-Za-z0-9._-]{1,64}.
  virtual Result<Volume*> CreateVolume(const std::string& name) = 0;
  virtual std::vector<std::string> ListVolumes() = 0;
};

// One broken invariant found by Fsck.
struct FsckFinding {
  std::string kind;    // e.g. "dangling-dentry", "wrong-nlink", "orphan-block"
  std::string detail;  // human-readable, names inode numbers and names
};

// Walks the whole volume and reports every broken invariant: dentries
// pointing at missing inodes, nlink not matching the dentries, directories
// whose ".." does not match, blocks or xattrs of missing inodes, unlinked
// inodes held by no handle, size/counter mismatches. Read-only; may run while
// the volume is in use (reads a snapshot). An empty vector means consistent.
Result<std::vector<FsckFinding>> Fsck(Volume* volume);

}  // namespace rpuffs::storage
