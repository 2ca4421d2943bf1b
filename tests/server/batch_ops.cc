#include "tests/server/batch_ops.h"

namespace rpuffs::testing {

v1::RequestHeader CredHdr(uint32_t uid, uint32_t gid) {
  v1::RequestHeader hdr;
  hdr.mutable_cred()->set_uid(uid);
  hdr.mutable_cred()->set_gid(gid);
  return hdr;
}

v1::BatchOp WriteOp(uint64_t ino, uint64_t fh, uint64_t offset, const std::string& data, uint32_t uid,
                    bool append) {
  v1::BatchOp op;
  v1::WriteRequest* w = op.mutable_write();
  *w->mutable_hdr() = CredHdr(uid, uid);
  w->set_ino(ino);
  w->set_fh(fh);
  w->set_offset(offset);
  w->set_data(data);
  w->set_append(append);
  return op;
}

v1::BatchOp SetAttrOp(uint64_t ino, uint32_t valid, uint32_t mode, uint32_t uid, uint32_t new_uid,
                      int64_t mtime_sec) {
  v1::BatchOp op;
  v1::SetAttrRequest* s = op.mutable_setattr();
  *s->mutable_hdr() = CredHdr(uid, uid);
  s->set_ino(ino);
  s->set_valid(valid);
  s->set_mode(mode);
  s->set_uid(new_uid);
  s->mutable_mtime()->set_sec(mtime_sec);
  return op;
}

v1::BatchOp ChmodOp(uint64_t ino, uint32_t mode, uint32_t uid) { return SetAttrOp(ino, v1::SET_MODE, mode, uid); }

v1::BatchOp ReleaseOp(uint64_t ino, uint64_t fh, uint32_t uid) {
  v1::BatchOp op;
  v1::ReleaseRequest* r = op.mutable_release();
  *r->mutable_hdr() = CredHdr(uid, uid);
  r->set_ino(ino);
  r->set_fh(fh);
  return op;
}

v1::BatchOp UnlinkOp(uint64_t parent, const std::string& name, uint32_t uid) {
  v1::BatchOp op;
  v1::UnlinkRequest* u = op.mutable_unlink();
  *u->mutable_hdr() = CredHdr(uid, uid);
  u->set_parent(parent);
  u->set_name(name);
  return op;
}

v1::BatchRequest MakeBatch(Client& client, std::vector<v1::BatchOp> ops, bool sync) {
  v1::BatchRequest req;
  *req.mutable_hdr() = client.Hdr(ops.empty() ? 1 : ops.size());
  for (auto& op : ops) *req.add_ops() = std::move(op);
  req.set_sync(sync);
  return req;
}

v1::BatchReply SendBatch(Client& client, const v1::BatchRequest& req) {
  return client.Must(&v1::Volume::Stub::Batch, req, "Batch");
}

void ExpectAllApplied(const v1::BatchReply& rep, int n) {
  EXPECT_EQ(rep.err(), 0);
  EXPECT_EQ(rep.results_size(), n);
  for (int i = 0; i < rep.results_size(); ++i) EXPECT_EQ(rep.results(i).err(), 0) << "op " << i;
}

std::unique_ptr<WatchStream> WatchOfAnotherSession(const std::string& address, Client& other) {
  v1::HelloReply hello = other.Connect();
  EXPECT_EQ(hello.err(), 0) << "Hello of the watching session";
  if (hello.err() != 0) return nullptr;
  auto watch = std::make_unique<WatchStream>(address, other.session());
  v1::WatchEvent started;
  const bool ok = watch->ReadNow(&started) && started.started();
  EXPECT_TRUE(ok) << "the watch did not start";
  if (!ok) return nullptr;
  watch->StartReading();
  return watch;
}

}  // namespace rpuffs::testing
