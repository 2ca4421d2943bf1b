// Opening a volume: the root on first use, the counters, the inode number
// watermark, open handles of recorded sessions, and reclaim of orphans that
// no recorded session holds any more (the server restarted after a crash).
#include <sys/stat.h>

#include <cerrno>
#include <algorithm>
#include <functional>
#include <set>

#include "storage/keys.h"
#include "storage/volume_impl.h"

namespace rpuffs::storage {
namespace {

Status ReadCounter(VolumeDb& db, CounterId id, uint64_t* out) {
  std::string v;
  Status s = db.GetMeta(CounterKey(id), &v);
  if (s.err() == ENOENT) {
    *out = 0;
    return Status::Ok();
  }
  if (!s.ok()) return s;
  if (v.size() != 8) return Status(EIO, "corrupt counter");
  *out = GetLE64(v.data());
  return Status::Ok();
}

// Calls fn(key, value) for every meta key with this tag.
void ScanTag(VolumeDb& db, KeyTag tag, const std::function<void(std::string_view, std::string_view)>& fn) {
  std::string start(1, static_cast<char>(tag));
  std::string end(1, static_cast<char>(static_cast<char>(tag) + 1));
  rocksdb::ReadOptions ro;
  rocksdb::Slice upper(end);
  ro.iterate_upper_bound = &upper;
  std::unique_ptr<rocksdb::Iterator> it(db.db()->NewIterator(ro, db.meta()));
  for (it->Seek(start); it->Valid(); it->Next())
    fn(std::string_view(it->key().data(), it->key().size()), std::string_view(it->value().data(), it->value().size()));
}

}  // namespace

Result<std::unique_ptr<VolumeImpl>> VolumeImpl::Open(const std::string& path, const VolumeOptions& options,
                                                     rocksdb::Env* env) {
  auto db = VolumeDb::Open(path, env, options.sync_all_writes, options.rocksdb_log);
  if (!db.ok()) return db.status();
  std::unique_ptr<VolumeImpl> v(new VolumeImpl());
  v->db_ = std::move(db).value();
  v->options_ = options;
  if (v->options_.block_size < 4096 || (v->options_.block_size & (v->options_.block_size - 1)) != 0)
    return Status(EINVAL, "block_size must be a power of two >= 4096");
  v->path_ = path;
  if (env == nullptr) {  // a real filesystem: keep RocksDB's headroom on it
    VolumeDb* db = v->db_.get();
    v->room_ = std::make_unique<DiskRoom>(
        path, [db] { return db->MemtableBytes(); }, [db] { db->FlushSoon(); });
  }
  if (Status s = v->Recover(); !s.ok()) return s;
  return v;
}

Status VolumeImpl::LoadCounters() {
  uint64_t used = 0, inodes = 0, limit = 0;
  if (Status s = ReadCounter(*db_, CounterId::kUsedBlocks, &used); !s.ok()) return s;
  if (Status s = ReadCounter(*db_, CounterId::kInodes, &inodes); !s.ok()) return s;
  if (Status s = ReadCounter(*db_, CounterId::kNextInoLimit, &limit); !s.ok()) return s;
  used_blocks_ = static_cast<int64_t>(used);
  inodes_ = static_cast<int64_t>(inodes);
  // Belt and braces: never below the highest inode present (one seek).
  uint64_t highest = kRootIno;
  std::unique_ptr<rocksdb::Iterator> it(db_->db()->NewIterator(rocksdb::ReadOptions(), db_->meta()));
  it->SeekForPrev(InodeKey(~0ull));
  if (it->Valid() && it->key().size() == 9 && it->key()[0] == static_cast<char>(KeyTag::kInode))
    highest = std::max(highest, GetBE64(it->key().data() + 1));
  it.reset();
  next_ino_ = ino_limit_ = std::max(limit, highest + 1);
  return Status::Ok();
}

Status VolumeImpl::Recover() {
  if (Status s = LoadCounters(); !s.ok()) return s;
  Inode root;
  Status s = LoadInode(kRootIno, &root);
  if (s.err() == ESTALE) {
    root.ino = kRootIno;
    root.mode = S_IFDIR | 0755;
    root.nlink = 2;
    root.parent = kRootIno;
    root.generation = 1;
    root.atime = root.mtime = root.ctime = Now();
    Mutation m(this, OpId{});
    m.PutInode(root);
    std::string limit;
    PutLE64(&limit, ino_limit_);
    m.PutMeta(CounterKey(CounterId::kNextInoLimit), limit);
    m.AddInodes(1);
    m.RequireSync();
    s = StatusOf(m.Commit(Outcome()));
  }
  if (!s.ok()) return s;
  return ReclaimUnheldOrphans();
}

Status VolumeImpl::ReclaimUnheldOrphans() {
  std::set<uint64_t> sessions;
  ScanTag(*db_, KeyTag::kSession, [&](std::string_view key, std::string_view) {
    if (key.size() == 9) sessions.insert(GetBE64(key.data() + 1));
  });
  Mutation m(this, OpId{});
  uint64_t max_fh = 0;
  ScanTag(*db_, KeyTag::kHandle, [&](std::string_view key, std::string_view value) {
    if (key.size() != 17 || value.size() != 8) return;
    uint64_t session = GetBE64(key.data() + 1);
    max_fh = std::max(max_fh, GetBE64(key.data() + 9));
    if (sessions.count(session) != 0) {
      open_counts_[GetBE64(value.data())]++;
    } else {
      m.DeleteMeta(std::string(key));  // a handle of a session nobody will resume
    }
  });
  next_fh_ = max_fh + 1;
  std::vector<Ino> orphans;
  ScanTag(*db_, KeyTag::kOrphan, [&](std::string_view key, std::string_view) {
    if (key.size() == 9) orphans.push_back(GetBE64(key.data() + 1));
  });
  for (Ino ino : orphans) {
    if (open_counts_.count(ino) != 0) continue;
    Inode inode;
    Status s = LoadInode(ino, &inode);
    if (s.err() == ESTALE) {
      m.DeleteMeta(Key1(KeyTag::kOrphan, ino));
    } else if (!s.ok()) {
      return s;
    } else if (inode.nlink == 0) {
      Reclaim(m, inode);
    } else {
      m.DeleteMeta(Key1(KeyTag::kOrphan, ino));
    }
  }
  return StatusOf(m.Commit(Outcome()));
}

}  // namespace rpuffs::storage
