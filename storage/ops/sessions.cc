// Sessions: 'S' records so handles outlive a server restart, DropSession
// (release every handle, forget retry records) and AckBelow.
#include <algorithm>
#include <cerrno>
#include <mutex>

#include "storage/keys.h"
#include "storage/volume_impl.h"

namespace rpuffs::storage {
namespace {

// Keys of `tag` for id `session` whose second number is in [from, below)
// (below == 0: no upper limit).
std::vector<std::string> KeysBelow(VolumeDb& db, KeyTag tag, uint64_t session, uint64_t below, uint64_t from = 0) {
  std::string end = below == 0 ? Key1(tag, session + 1) : Key2(tag, session, below);
  rocksdb::ReadOptions ro;
  rocksdb::Slice upper(end);
  ro.iterate_upper_bound = &upper;
  std::unique_ptr<rocksdb::Iterator> it(db.db()->NewIterator(ro, db.meta()));
  std::vector<std::string> keys;
  for (it->Seek(from == 0 ? Key1(tag, session) : Key2(tag, session, from)); it->Valid(); it->Next())
    keys.push_back(it->key().ToString());
  return keys;
}

}  // namespace

Status VolumeImpl::AddSession(uint64_t session) {
  Mutation m(this, OpId{});
  m.PutMeta(Key1(KeyTag::kSession, session), "");
  return StatusOf(m.Commit(Outcome()));
}

Result<std::vector<uint64_t>> VolumeImpl::ListSessions() {
  std::string start(1, static_cast<char>(KeyTag::kSession));
  std::string end(1, static_cast<char>(KeyTag::kSession) + 1);
  rocksdb::ReadOptions ro;
  rocksdb::Slice upper(end);
  ro.iterate_upper_bound = &upper;
  std::unique_ptr<rocksdb::Iterator> it(db_->db()->NewIterator(ro, db_->meta()));
  std::vector<uint64_t> sessions;
  for (it->Seek(start); it->Valid(); it->Next())
    if (it->key().size() == 9) sessions.push_back(GetBE64(it->key().data() + 1));
  if (Status s = FromRocks(it->status()); !s.ok()) return s;
  return sessions;
}

Status VolumeImpl::DropSession(uint64_t session) {
  for (const std::string& key : KeysBelow(*db_, KeyTag::kHandle, session, 0)) {
    Status s = ReleaseHandle(session, GetBE64(key.data() + 9), false);
    if (!s.ok() && s.err() != EBADF) return s;
  }
  Mutation m(this, OpId{});
  for (const std::string& key : KeysBelow(*db_, KeyTag::kRetry, session, 0)) m.DeleteMeta(key);
  m.DeleteMeta(Key1(KeyTag::kSession, session));
  Status s = StatusOf(m.Commit(Outcome()));
  if (s.ok()) {
    std::lock_guard<std::mutex> lock(acked_mu_);
    acked_below_.erase(session);
  }
  return s;
}

Status VolumeImpl::AckBelow(uint64_t session, uint64_t seq) {
  if (seq == 0) return Status::Ok();
  // Start where the last ack of this session stopped: the records below it
  // are deleted, and seeking across their tombstones made every ack cost
  // O(operations so far).
  uint64_t from = 0;
  {
    std::lock_guard<std::mutex> lock(acked_mu_);
    auto it = acked_below_.find(session);
    if (it != acked_below_.end()) from = it->second;
  }
  if (from >= seq) return Status::Ok();
  Mutation m(this, OpId{});
  for (const std::string& key : KeysBelow(*db_, KeyTag::kRetry, session, seq, from)) m.DeleteMeta(key);
  Status s = StatusOf(m.Commit(Outcome()));
  if (s.ok()) {
    std::lock_guard<std::mutex> lock(acked_mu_);
    uint64_t& floor = acked_below_[session];
    floor = std::max(floor, seq);
  }
  return s;
}

}  // namespace rpuffs::storage
