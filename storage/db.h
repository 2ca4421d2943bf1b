// storage/db.h — one volume's RocksDB: opening it with the project's options,
// its two column families, reads that turn RocksDB statuses into errnos (the
// one conversion point), and writes with a sticky error.
//
// Column families: "default" holds metadata (keys.h), "data" holds file
// blocks with BlobDB enabled (values >= 4 KiB go to blob files). A shared LRU
// block cache, bloom filters, LZ4 with ZSTD at the bottom level for table
// files, XXH3 table checksums. Blobs (file blocks) are stored uncompressed
// (older LZ4 blob files still read) and cached uncompressed in a shared blob
// cache of kBlobCacheBytes, filled by reads (not at flush). The data family's merge operator
// applies block patches (block_patch.h); at most 4 memtables of 64 MiB.
//
// Files: flushes and compactions write with O_DIRECT when the database is on
// the default Env and its directory takes O_DIRECT writes (probed at Open);
// reads are buffered, with the kernel's read-ahead (no FADV_RANDOM).
//
// Writes: unsynced WAL unless `sync` (or VolumeOptions::sync_all_writes).
// A failed write makes every later write fail with EIO (we cannot know what
// reached the WAL), as LevelDB's background error does.
//
// Thread-safe. Close() (or the destructor) releases the handles and closes the
// database; no iterator may be alive then.
#pragma once

#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include "storage/result.h"
#include "storage/rocks_log.h"

namespace rpuffs::storage {

// Size of the process-wide cache of file blocks (uncompressed blob values).
constexpr size_t kBlobCacheBytes = size_t{256} << 20;

// RocksDB status -> errno status: ok -> 0, NotFound -> ENOENT, busy lock -> EBUSY,
// no space -> ENOSPC, anything else -> EIO with RocksDB's text.
Status FromRocks(const rocksdb::Status& s);

class VolumeDb {
 public:
  // Opens (creating if missing) the database at `path`. `env` may be null.
  // RocksDB's log lines go to `log` (rocks_log.h), never to a file.
  static Result<std::unique_ptr<VolumeDb>> Open(const std::string& path, rocksdb::Env* env,
                                                bool sync_all_writes, const RocksLogSink& log = {});
  ~VolumeDb();
  VolumeDb(const VolumeDb&) = delete;
  VolumeDb& operator=(const VolumeDb&) = delete;

  rocksdb::DB* db() const { return db_; }
  rocksdb::ColumnFamilyHandle* meta() const { return meta_; }
  rocksdb::ColumnFamilyHandle* data() const { return data_; }

  // ENOENT when missing.
  Status Get(const rocksdb::ReadOptions& ro, rocksdb::ColumnFamilyHandle* cf, const std::string& key,
             std::string* value) const;
  Status GetMeta(const std::string& key, std::string* value) const;
  Status Write(rocksdb::WriteBatch* batch, bool sync);
  // Starts a flush of every memtable and returns without waiting.
  void FlushSoon();
  // Bytes the memtables of both families hold now (the active ones and
  // those waiting for their flush).
  uint64_t MemtableBytes() const;
  // A synced empty-ish write: makes every earlier write durable.
  Status SyncWal();

 private:
  VolumeDb() = default;
  rocksdb::DB* db_ = nullptr;
  rocksdb::ColumnFamilyHandle* meta_ = nullptr;
  rocksdb::ColumnFamilyHandle* data_ = nullptr;
  bool sync_all_writes_ = false;
  std::atomic<bool> failed_{false};
};

}  // namespace rpuffs::storage
