// Shared internals of VolumeImpl: inode and dentry reads, allocation, link
// accounting, handles and the locked-mutation runner.
#include "storage/volume_impl.h"

#include <sys/stat.h>

#include <cerrno>

#include "storage/access.h"
#include "storage/keys.h"

namespace rpuffs::storage {
namespace {

constexpr uint64_t kInoRange = 4096;  // numbers reserved per persisted limit bump
constexpr int kMaxLockRetries = 1000;

}  // namespace

Status VolumeImpl::LoadInode(Ino ino, Inode* out, const rocksdb::ReadOptions& ro) const {
  const bool cacheable = ro.snapshot == nullptr;
  if (cacheable && inode_cache_.Lookup(ino, out)) return Status::Ok();
  uint64_t generation = cacheable ? inode_cache_.Generation(ino) : 0;
  std::string value;
  Status s = db_->Get(ro, db_->meta(), InodeKey(ino), &value);
  if (s.err() == ENOENT) return Status(ESTALE);
  if (!s.ok()) return s;
  if (!DecodeInode(value, ino, out)) return Status(EIO, "corrupt inode record");
  if (cacheable) inode_cache_.Insert(*out, generation);
  return Status::Ok();
}

Status VolumeImpl::LoadDir(const Caller& c, Ino ino, int mask, Inode* out) const {
  if (Status s = LoadInode(ino, out); !s.ok()) return s;
  if (!out->is_dir()) return Status(ENOTDIR);
  return CheckAccess(c, *out, mask);
}

Status VolumeImpl::FindEntry(Ino parent, std::string_view name, DentryValue* out) const {
  std::string value;
  if (Status s = db_->GetMeta(DentryKey(parent, name), &value); !s.ok()) return s;
  if (!DecodeDentry(value, out)) return Status(EIO, "corrupt dentry");
  return Status::Ok();
}

Status VolumeImpl::LoadChild(Ino parent, std::string_view name, Inode* out) const {
  // Lock-free callers can see the dentry, then lose the inode to a concurrent
  // unlink/rename: look again; only a dentry that stays dangling is EIO.
  Ino last = 0;
  for (int attempt = 0; attempt < 8; ++attempt) {
    DentryValue d;
    if (Status s = FindEntry(parent, name, &d); !s.ok()) return s;
    Status s = LoadInode(d.ino, out);
    if (s.err() != ESTALE) return s;
    if (d.ino == last) break;
    last = d.ino;
  }
  return Status(EIO, "dentry points at a missing inode");
}

Ino VolumeImpl::PeekChild(Ino parent, std::string_view name) const {
  DentryValue d;
  return FindEntry(parent, name, &d).ok() ? d.ino : 0;
}

bool VolumeImpl::HasEntries(Ino ino) const {
  std::string end = Key1(KeyTag::kDentry, ino + 1);
  rocksdb::ReadOptions ro;
  rocksdb::Slice upper(end);
  ro.iterate_upper_bound = &upper;
  std::unique_ptr<rocksdb::Iterator> it(db_->db()->NewIterator(ro, db_->meta()));
  it->Seek(Key1(KeyTag::kDentry, ino));
  return it->Valid();
}

Result<Ino> VolumeImpl::AllocIno() {
  if (static_cast<uint64_t>(inodes_.load()) >= options_.max_inodes) return Status(ENOSPC);
  std::lock_guard<std::mutex> lock(ino_mu_);
  if (next_ino_ >= ino_limit_) {
    // Persist the new limit before handing out numbers below it: the WAL keeps
    // this write ahead of any create that uses them, so a restart never reuses one.
    rocksdb::WriteBatch batch;
    std::string v;
    PutLE64(&v, next_ino_ + kInoRange);
    batch.Put(db_->meta(), CounterKey(CounterId::kNextInoLimit), v);
    if (Status s = db_->Write(&batch, false); !s.ok()) return s;
    ino_limit_ = next_ino_ + kInoRange;
  }
  return next_ino_++;
}

Inode VolumeImpl::NewInode(const Caller& c, const Inode& dir, Ino ino, uint32_t mode) const {
  Inode n;
  n.ino = ino;
  n.mode = mode;
  n.uid = c.uid;
  n.gid = c.gid;
  n.nlink = S_ISDIR(mode) ? 2 : 1;
  n.generation = 1;
  n.atime = n.mtime = n.ctime = Now();
  if (dir.mode & S_ISGID) {
    // A setgid directory hands its group on; subdirectories inherit the bit.
    n.gid = dir.gid;
    if (S_ISDIR(mode)) n.mode |= S_ISGID;
  }
  if (!S_ISDIR(mode) && (n.mode & S_ISGID) && (n.mode & S_IXGRP) && !c.is_root() && !InGroup(c, n.gid))
    n.mode &= ~static_cast<uint32_t>(S_ISGID);
  if (S_ISDIR(mode)) n.parent = dir.ino;
  return n;
}

void VolumeImpl::AddChild(Mutation& m, Inode* dir, std::string_view name, const Inode& child) {
  m.PutInode(child);
  m.PutDentry(dir->ino, name, child);
  if (child.is_dir()) dir->nlink++;
  dir->mtime = dir->ctime = child.ctime;
  m.PutInode(*dir);
  m.AddInodes(1);
}

void VolumeImpl::DropLink(Mutation& m, Inode* victim) {
  victim->ctime = Now();
  victim->nlink = victim->is_dir() ? 0 : victim->nlink - 1;
  if (victim->nlink > 0) {
    m.PutInode(*victim);
    return;
  }
  if (OpenCount(victim->ino) > 0) {
    m.PutInode(*victim);
    m.PutMeta(Key1(KeyTag::kOrphan, victim->ino), "");
    return;
  }
  Reclaim(m, *victim);
}

void VolumeImpl::Reclaim(Mutation& m, const Inode& inode) {
  m.DeleteInode(inode.ino);
  m.DeleteMeta(Key1(KeyTag::kOrphan, inode.ino));
  if (inode.alloc_blocks > 0)
    m.batch()->DeleteRange(db_->data(), BlockKey(inode.ino, 0), BlockKey(inode.ino + 1, 0));
  std::string prefix = Key1(KeyTag::kXattr, inode.ino);
  std::string end = Key1(KeyTag::kXattr, inode.ino + 1);
  rocksdb::ReadOptions ro;
  rocksdb::Slice upper(end);
  ro.iterate_upper_bound = &upper;
  std::unique_ptr<rocksdb::Iterator> it(db_->db()->NewIterator(ro, db_->meta()));
  for (it->Seek(prefix); it->Valid(); it->Next()) m.batch()->Delete(db_->meta(), it->key());
  m.AddUsedBlocks(-static_cast<int64_t>(inode.alloc_blocks));
  m.AddInodes(-1);
}

uint32_t VolumeImpl::OpenCount(Ino ino) const {
  std::lock_guard<std::mutex> lock(handles_mu_);
  auto it = open_counts_.find(ino);
  return it == open_counts_.end() ? 0 : it->second;
}

void VolumeImpl::AddOpenCount(Ino ino, int delta) {
  std::lock_guard<std::mutex> lock(handles_mu_);
  uint32_t& n = open_counts_[ino];
  n += delta;
  if (n == 0) open_counts_.erase(ino);
}

uint64_t VolumeImpl::AddHandle(Mutation& m, uint64_t session, Ino ino) {
  uint64_t fh = next_fh_.fetch_add(1);
  std::string v;
  PutBE64(&v, ino);
  m.PutMeta(Key2(KeyTag::kHandle, session, fh), v);
  m.OnCommit([this, ino] { AddOpenCount(ino, 1); });
  return fh;
}

Status VolumeImpl::CheckSpace(int64_t new_blocks, uint64_t data_bytes) const {
  if (options_.capacity_bytes != 0 && new_blocks > 0) {
    uint64_t used = static_cast<uint64_t>(used_blocks_.load() + new_blocks) * options_.block_size;
    if (used > options_.capacity_bytes) return Status(ENOSPC);
  }
  if (room_ == nullptr || data_bytes == 0) return Status::Ok();
  return room_->Room(data_bytes);
}

Status VolumeImpl::CheckName(std::string_view name) {
  if (name.empty() || name.find('/') != std::string_view::npos || name.find('\0') != std::string_view::npos)
    return Status(EINVAL);
  if (name.size() > kNameMax) return Status(ENAMETOOLONG);
  return Status::Ok();
}

Outcome VolumeImpl::RunLocked(const OpId& op, const LockFn& lock_fn, const BodyFn& body, bool rename_lock) {
  for (int attempt = 0;; ++attempt) {
    std::unique_lock<std::mutex> rename_guard(rename_mu_, std::defer_lock);
    if (rename_lock) rename_guard.lock();
    LockSet locks(locks_, lock_fn());
    Mutation m(this, op);
    if (m.replayed()) return m.previous();
    Outcome out = body(m);
    if (out.err == kRetryLocked) {
      if (attempt < kMaxLockRetries) continue;
      out = Outcome();
      out.err = EAGAIN;
    }
    return m.Commit(out);
  }
}

Outcome VolumeImpl::RunOnInode(const OpId& op, Ino ino, const InodeBodyFn& body) {
  return RunLocked(
      op, [&] { return std::vector<Ino>{ino}; },
      [&](Mutation& m) {
        Inode inode;
        if (Status s = LoadInode(ino, &inode); !s.ok()) return Outcome{s.err()};
        return body(m, inode);
      });
}

Outcome VolumeImpl::RunOnEntry(const OpId& op, Ino parent, std::string_view name, const EntryBodyFn& body) {
  Ino seen = 0;
  return RunLocked(
      op,
      [&] {
        seen = PeekChild(parent, name);
        return std::vector<Ino>{parent, seen};
      },
      [&](Mutation& m) {
        if (PeekChild(parent, name) != seen) return Outcome{kRetryLocked};
        return body(m, seen);
      });
}

}  // namespace rpuffs::storage
