#include "client/puffs/fuse_channel.h"
#include "client/puffs/fuse_dispatch.h"
#include "client/puffs/fuse_request.h"

namespace rpuffs::puffs::dispatch {

void Open(fuse_req_t req, fuse_ino_t ino, fuse_file_info* fi) {
  Dispatch(req, "open", [&](FuseRequest& r) {
    OpenFile of = r.OpenFileOf(fi);
    int err = r.ops().open(r, ino, &of);
    r.ReplyOpen(err, of, fi);
  });
}

void Read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off, fuse_file_info* fi) {
  Dispatch(req, "read", [&](FuseRequest& r) {
    OpenFile of = r.OpenFileOf(fi);
    std::string out;
    int err = r.ops().read(r, ino, size, off, of, &out);
    // The kernel rejects a reply longer than it asked for.
    r.ReplyBuf(err, out.data(), std::min(out.size(), size));
  });
}

void Write(fuse_req_t req, fuse_ino_t ino, const char* buf, size_t size, off_t off,
           fuse_file_info* fi) {
  Dispatch(req, "write", [&](FuseRequest& r) {
    OpenFile of = r.OpenFileOf(fi);
    size_t written = 0;
    int err = r.ops().write(r, ino, buf, size, off, of, &written);
    r.ReplyWrite(err, std::min(written, size));
  });
}

void Flush(fuse_req_t req, fuse_ino_t ino, fuse_file_info* fi) {
  DispatchOnHandle(req, "flush", fi, [&](FuseRequest& r, OpenFile& of) {
    return r.ops().flush(r, ino, of);
  });
}

void Release(fuse_req_t req, fuse_ino_t ino, fuse_file_info* fi) {
  DispatchOnHandle(req, "release", fi, [&](FuseRequest& r, OpenFile& of) {
    return r.ops().release(r, ino, of);
  });
}

void Fsync(fuse_req_t req, fuse_ino_t ino, int datasync, fuse_file_info* fi) {
  DispatchOnHandle(req, "fsync", fi, [&](FuseRequest& r, OpenFile& of) {
    return r.ops().fsync(r, ino, datasync != 0, of);
  });
}

void Fallocate(fuse_req_t req, fuse_ino_t ino, int mode, off_t offset, off_t length,
               fuse_file_info* fi) {
  DispatchOnHandle(req, "fallocate", fi, [&](FuseRequest& r, OpenFile& of) {
    return r.ops().fallocate(r, ino, mode, offset, length, of);
  });
}

}  // namespace rpuffs::puffs::dispatch
