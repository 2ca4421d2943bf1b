#include "client/puffs/fuse_channel.h"
#include "client/puffs/fuse_dispatch.h"
#include "client/puffs/fuse_request.h"

namespace rpuffs::puffs::dispatch {

void Lookup(fuse_req_t req, fuse_ino_t parent, const char* name) {
  Dispatch(req, "lookup", [&](FuseRequest& r) {
    Entry e;
    int err = r.ops().lookup(r, parent, name, &e);
    r.ReplyEntry(err, e);
  });
}

// Forgets run inline on the loop continuation: no FuseRequest, no reply but
// fuse_reply_none, and never a suspension.
void Forget(fuse_req_t req, fuse_ino_t ino, uint64_t nlookup) {
  static_cast<FuseChannel*>(fuse_req_userdata(req))->Forget(ino, nlookup);
  fuse_reply_none(req);
}

void ForgetMulti(fuse_req_t req, size_t count, fuse_forget_data* forgets) {
  auto* ch = static_cast<FuseChannel*>(fuse_req_userdata(req));
  for (size_t i = 0; i < count; ++i) ch->Forget(forgets[i].ino, forgets[i].nlookup);
  fuse_reply_none(req);
}

void Mknod(fuse_req_t req, fuse_ino_t parent, const char* name, mode_t mode, dev_t rdev) {
  Dispatch(req, "mknod", [&](FuseRequest& r) {
    Entry e;
    int err = r.ops().mknod(r, parent, name, mode, rdev, &e);
    r.ReplyEntry(err, e);
  });
}

void Mkdir(fuse_req_t req, fuse_ino_t parent, const char* name, mode_t mode) {
  Dispatch(req, "mkdir", [&](FuseRequest& r) {
    Entry e;
    int err = r.ops().mkdir(r, parent, name, mode, &e);
    r.ReplyEntry(err, e);
  });
}

void Symlink(fuse_req_t req, const char* target, fuse_ino_t parent, const char* name) {
  Dispatch(req, "symlink", [&](FuseRequest& r) {
    Entry e;
    int err = r.ops().symlink(r, target, parent, name, &e);
    r.ReplyEntry(err, e);
  });
}

void Link(fuse_req_t req, fuse_ino_t ino, fuse_ino_t new_parent, const char* new_name) {
  Dispatch(req, "link", [&](FuseRequest& r) {
    Entry e;
    int err = r.ops().link(r, ino, new_parent, new_name, &e);
    r.ReplyEntry(err, e);
  });
}

void Create(fuse_req_t req, fuse_ino_t parent, const char* name, mode_t mode, fuse_file_info* fi) {
  Dispatch(req, "create", [&](FuseRequest& r) {
    Entry e;
    OpenFile of = r.OpenFileOf(fi);
    int err = r.ops().create(r, parent, name, mode, &of, &e);
    r.ReplyCreate(err, e, of, fi);
  });
}

}  // namespace rpuffs::puffs::dispatch
