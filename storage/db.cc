#include "storage/db.h"

#include <rocksdb/cache.h>
#include <rocksdb/convenience.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/merge_operator.h>
#include <rocksdb/table.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "storage/block_patch.h"
#include "storage/keys.h"

namespace rpuffs::storage {
namespace {

// Each column family's memtable size.
constexpr size_t kMemtableBytes = 64 << 20;

std::shared_ptr<rocksdb::Cache> SharedBlockCache() {
  static std::shared_ptr<rocksdb::Cache> cache = rocksdb::NewLRUCache(128 << 20);
  return cache;
}

// Uncompressed file blocks, shared by every volume of the process: a hit
// skips the pread, checksum and copy of a whole block (see db.h).
std::shared_ptr<rocksdb::Cache> SharedBlobCache() {
  static std::shared_ptr<rocksdb::Cache> cache = rocksdb::NewLRUCache(kBlobCacheBytes);
  return cache;
}

// True if files in `dir` (created if missing) take O_DIRECT writes: tmpfs and
// some FUSE filesystems refuse them, and RocksDB would then fail every flush.
bool DirectWritesWork(const std::string& dir) {
  if (mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) return false;
  const std::string probe = dir + "/.direct-io-probe";
  int fd = open(probe.c_str(), O_CREAT | O_TRUNC | O_WRONLY | O_DIRECT | O_CLOEXEC, 0600);
  if (fd < 0) return false;
  void* block = nullptr;
  bool ok = posix_memalign(&block, 4096, 4096) == 0;
  if (ok) {
    std::memset(block, 0, 4096);
    ok = pwrite(fd, block, 4096, 0) == 4096;
  }
  std::free(block);
  close(fd);
  unlink(probe.c_str());
  return ok;
}

rocksdb::ColumnFamilyOptions BaseCfOptions() {
  rocksdb::ColumnFamilyOptions cf;
  rocksdb::BlockBasedTableOptions table;
  table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  table.cache_index_and_filter_blocks = true;
  table.block_cache = SharedBlockCache();
  table.format_version = 5;
  // Debian's portable librocksdb computes CRC32c in software; XXH3 is several
  // times cheaper. Each table file records its own checksum type, so files
  // written with CRC32c still verify.
  table.checksum = rocksdb::kXXH3;
  cf.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  cf.compression = rocksdb::kLZ4Compression;
  cf.bottommost_compression = rocksdb::kZSTD;
  cf.level_compaction_dynamic_level_bytes = true;
  cf.write_buffer_size = kMemtableBytes;
  // Whole-key bloom in the memtable: most Gets of a create (retry record,
  // the new name) miss, and this makes those misses cheap.
  cf.memtable_whole_key_filtering = true;
  cf.memtable_prefix_bloom_size_ratio = 0.05;
  return cf;
}

rocksdb::ColumnFamilyOptions MetaCfOptions() {
  rocksdb::ColumnFamilyOptions cf = BaseCfOptions();
  std::shared_ptr<rocksdb::MergeOperator> add;
  // Counters are blind uint64 adds (negative deltas wrap, which is exact mod 2^64).
  rocksdb::MergeOperator::CreateFromString(rocksdb::ConfigOptions(), "uint64add", &add);
  cf.merge_operator = add;
  return cf;
}

rocksdb::ColumnFamilyOptions DataCfOptions() {
  rocksdb::ColumnFamilyOptions cf = BaseCfOptions();
  // Room for two memtables waiting for their flush while a third fills: with
  // the default 2, a burst of large writes stopped at every flush (LOG:
  // "Stopping writes because we have 2 immutable memtables").
  cf.max_write_buffer_number = 4;
  // Partial block writes are patches (block_patch.h). A block patched this
  // often within one memtable is merged into a whole block by the write, so
  // a read never applies more patches than that from the memtable.
  cf.merge_operator = NewBlockPatchOperator();
  cf.max_successive_merges = 32;
  cf.enable_blob_files = true;
  cf.min_blob_size = 4096;
  cf.enable_blob_garbage_collection = true;
  // File data is often incompressible (media, archives, fio patterns) and LZ4
  // cost CPU on every block written and read. Each blob file records its own
  // compression, so blobs written with LZ4 by earlier versions still read.
  cf.blob_compression_type = rocksdb::kNoCompression;
  cf.blob_cache = SharedBlobCache();
  // Not filled at flush: copying every flushed block into the cache cost
  // 15-25 % of rpuffsd's CPU per GiB written (bench/server/data_path.md), and
  // a freshly written blob file is in the OS page cache anyway. Without it
  // fio's 1 MiB sequential writes through a mount went from 566/609 to
  // 649/691 MiB/s (two alternating rounds); 4 KiB random reads after a
  // drop_caches (mostly page-cache hits on the client since read-around)
  // from 121-122k to 108-119k IOPS.
  cf.prepopulate_blob_cache = rocksdb::PrepopulateBlobCache::kDisable;
  cf.blob_compaction_readahead_size = 2 << 20;  // blob GC reads whole files in order
  return cf;
}

}  // namespace

Status FromRocks(const rocksdb::Status& s) {
  if (s.ok()) return Status::Ok();
  if (s.IsNotFound()) return Status(ENOENT);
  std::string text = s.ToString();
  if (s.IsIOError() && (text.find("lock") != std::string::npos || text.find("Lock") != std::string::npos))
    return Status(EBUSY, text);
  if (s.IsNoSpace()) return Status(ENOSPC, text);
  return Status(EIO, text);
}

Result<std::unique_ptr<VolumeDb>> VolumeDb::Open(const std::string& path, rocksdb::Env* env,
                                                 bool sync_all_writes, const RocksLogSink& log) {
  rocksdb::DBOptions options;
  options.IncreaseParallelism(2);
  options.create_if_missing = true;
  options.create_missing_column_families = true;
  options.max_open_files = -1;
  options.bytes_per_sync = 1 << 20;
  // No preallocation: a new WAL file would otherwise take ~70 MiB of disk at
  // once (1.1 x the memtable) when a flush starts, which is where DiskRoom's
  // headroom must not run out (disk_room.h). A small append + fdatasync cost
  // the same either way (137-147 us), and a 1 GiB `dd conv=fsync` through a
  // mount showed no difference on a noisy disk (63-158 MB/s in eleven runs
  // with it, 63-210 in eighteen without; bench/peers/RESULTS.md, seventh
  // session).
  options.allow_fallocate = false;
  // WAL files live until every column family with data in them has flushed.
  // File data fills the data family's memtables quickly, but the meta
  // family's few writes per file fill its memtable slowly, so by default
  // (4 x all memtables = 1.5 GiB) a 1 GiB write kept all of its 18 WAL files:
  // twice the data's size on disk, and a 2.5 s WAL replay after kill -9.
  // Past this size RocksDB flushes the family that holds the oldest WAL (the
  // meta family's flush is small); it leaves room for the data family's own
  // four memtables, so it does not force those out early.
  options.max_total_wal_size = 5 * kMemtableBytes;
  // No LOG file in the volume directory (rocks_log.h says why).
  options.info_log = NewRocksLogger(log);
  // Let the kernel read ahead in blob files. File data is stored in key order
  // (inode, block index), so a file's blocks sit one after another in its blob
  // files and a sequential read of a file is a sequential read of them. With
  // RocksDB's default (FADV_RANDOM on every file it opens) each 64 KiB block
  // waited for the disk on its own: a cold 1 GiB `dd bs=1M` through a mount
  // read 284-352 MB/s, 570-643 MB/s with read-ahead (two alternating rounds,
  // bench/server/data_path.md section 7). Random point reads are not inflated:
  // the kernel reads a lone non-sequential read as it is.
  options.advise_random_on_open = false;
  // Flushes and compactions write their files with O_DIRECT where the disk
  // takes it: every byte of file data is written twice (WAL, then blob file),
  // and copying the second copy into the page cache was the largest part of
  // rpuffsd's CPU per GiB written (copy_folio_from_iter 39 % of a write
  // profile): 2.8-4.8 -> 1.9-2.4 s per GiB, `dd conv=fsync` 246-419 -> 409-490
  // MB/s (five pairs, bench/server/data_path.md section 8). Reads stay
  // buffered (and read ahead); what was just flushed is read from the disk,
  // or from the block and blob caches.
  if (env == nullptr && DirectWritesWork(path)) {
    options.use_direct_io_for_flush_and_compaction = true;
    options.compaction_readahead_size = 2 << 20;
  }
  if (env != nullptr) options.env = env;
  std::vector<rocksdb::ColumnFamilyDescriptor> cfs = {
      {rocksdb::kDefaultColumnFamilyName, MetaCfOptions()},
      {"data", DataCfOptions()},
  };
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  std::unique_ptr<VolumeDb> v(new VolumeDb());
  rocksdb::Status s = rocksdb::DB::Open(options, path, cfs, &handles, &v->db_);
  if (!s.ok()) return FromRocks(s);
  v->meta_ = handles[0];
  v->data_ = handles[1];
  v->sync_all_writes_ = sync_all_writes;
  return v;
}

VolumeDb::~VolumeDb() {
  if (db_ == nullptr) return;
  db_->DestroyColumnFamilyHandle(meta_);
  db_->DestroyColumnFamilyHandle(data_);
  db_->Close().PermitUncheckedError();
  delete db_;
}

Status VolumeDb::Get(const rocksdb::ReadOptions& ro, rocksdb::ColumnFamilyHandle* cf,
                     const std::string& key, std::string* value) const {
  return FromRocks(db_->Get(ro, cf, key, value));
}

Status VolumeDb::GetMeta(const std::string& key, std::string* value) const {
  return Get(rocksdb::ReadOptions(), meta_, key, value);
}

Status VolumeDb::Write(rocksdb::WriteBatch* batch, bool sync) {
  if (failed_.load()) return Status(EIO, "volume stopped after a failed write");
  rocksdb::WriteOptions wo;
  wo.sync = sync || sync_all_writes_;
  rocksdb::Status s = db_->Write(wo, batch);
  if (!s.ok()) {
    Status st = FromRocks(s);
    // A full disk is RocksDB's to recover from (it resumes writing once there
    // is room again: its SstFileManager watches); anything else stops the
    // volume for good.
    if (st.err() == ENOSPC) return st;
    failed_.store(true);
    return Status(EIO, st.message());
  }
  return Status::Ok();
}

void VolumeDb::FlushSoon() {
  rocksdb::FlushOptions fo;
  fo.wait = false;
  fo.allow_write_stall = true;
  db_->Flush(fo, {meta_, data_}).PermitUncheckedError();
}

uint64_t VolumeDb::MemtableBytes() const {
  uint64_t bytes = 0;
  db_->GetAggregatedIntProperty(rocksdb::DB::Properties::kCurSizeAllMemTables, &bytes);
  return bytes;
}

Status VolumeDb::SyncWal() {
  rocksdb::WriteBatch batch;
  // A synced write of a no-op counter delta syncs the WAL up to here (unlike
  // SyncWAL(), this also works on MemEnv).
  std::string zero;
  PutLE64(&zero, 0);
  batch.Merge(meta_, CounterKey(CounterId::kInodes), zero);
  return Write(&batch, true);
}

}  // namespace rpuffs::storage
