// Sessions: 'S' records so handles outlive a server restart, DropSession
// (release every handle, forget retry records) and AckBelow.
#include <cerrno>

#include "storage/keys.h"
#include "storage/volume_impl.h"

namespace rpuffs::storage {
namespace {

// Keys of `tag` for id `session` whose second number is below `below`.
std::vector<std::string> KeysBelow(VolumeDb& db, KeyTag tag, uint64_t session, uint64_t below) {
  std::string end = below == 0 ? Key1(tag, session + 1) : Key2(tag, session, below);
  rocksdb::ReadOptions ro;
  rocksdb::Slice upper(end);
  ro.iterate_upper_bound = &upper;
  std::unique_ptr<rocksdb::Iterator> it(db.db()->NewIterator(ro, db.meta()));
  std::vector<std::string> keys;
  for (it->Seek(Key1(tag, session)); it->Valid(); it->Next()) keys.push_back(it->key().ToString());
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
  return StatusOf(m.Commit(Outcome()));
}

Status VolumeImpl::AckBelow(uint64_t session, uint64_t seq) {
  if (seq == 0) return Status::Ok();
  Mutation m(this, OpId{});
  for (const std::string& key : KeysBelow(*db_, KeyTag::kRetry, session, seq)) m.DeleteMeta(key);
  return StatusOf(m.Commit(Outcome()));
}

}  // namespace rpuffs::storage
