#include "client/puffs/fuse_channel.h"
#include "client/puffs/fuse_dispatch.h"
#include "client/puffs/fuse_request.h"

namespace rpuffs::puffs::dispatch {

void Getattr(fuse_req_t req, fuse_ino_t ino, fuse_file_info*) {
  Dispatch(req, "getattr", [&](FuseRequest& r) {
    AttrOut a;
    int err = r.ops().getattr(r, ino, &a);
    r.ReplyAttr(err, a);
  });
}

void Setattr(fuse_req_t req, fuse_ino_t ino, struct stat* attr, int to_set, fuse_file_info* fi) {
  Dispatch(req, "setattr", [&](FuseRequest& r) {
    SetAttrIn in;
    in.valid = to_set;
    in.attr = *attr;
    if (fi != nullptr) in.fh = fi->fh;
    in.kill_suidgid = r.kill_suidgid();
    in.writeback_cache = r.channel().writeback_cache();
    AttrOut a;
    int err = r.ops().setattr(r, ino, in, &a);
    r.ReplyAttr(err, a);
  });
}

void Readlink(fuse_req_t req, fuse_ino_t ino) {
  Dispatch(req, "readlink", [&](FuseRequest& r) {
    std::string target;
    int err = r.ops().readlink(r, ino, &target);
    r.ReplyReadlink(err, target);
  });
}

void Unlink(fuse_req_t req, fuse_ino_t parent, const char* name) {
  Dispatch(req, "unlink", [&](FuseRequest& r) { r.ReplyErr(r.ops().unlink(r, parent, name)); });
}

void Rmdir(fuse_req_t req, fuse_ino_t parent, const char* name) {
  Dispatch(req, "rmdir", [&](FuseRequest& r) { r.ReplyErr(r.ops().rmdir(r, parent, name)); });
}

void Rename(fuse_req_t req, fuse_ino_t parent, const char* name, fuse_ino_t new_parent,
            const char* new_name, unsigned int flags) {
  Dispatch(req, "rename", [&](FuseRequest& r) {
    r.ReplyErr(r.ops().rename(r, parent, name, new_parent, new_name, flags));
  });
}

void Statfs(fuse_req_t req, fuse_ino_t ino) {
  Dispatch(req, "statfs", [&](FuseRequest& r) {
    struct statvfs st {};
    int err = r.ops().statfs(r, ino, &st);
    r.ReplyStatfs(err, st);
  });
}

}  // namespace rpuffs::puffs::dispatch
