// The libfuse op table: an entry only for what the filesystem filled in.
#include <climits>

#include "client/puffs/fuse_channel.h"
#include "client/puffs/fuse_dispatch.h"

namespace rpuffs::puffs {
namespace {

void Init(void* userdata, fuse_conn_info* conn) {
  auto* ch = static_cast<FuseChannel*>(userdata);
  // libfuse caps max_write at its buffer (1 MiB) and derives max_pages from
  // it; max_readahead stays at what the kernel offered, its maximum.
  conn->max_write = static_cast<unsigned>(ch->max_write());
  if (ch->want_writeback_cache() && (conn->capable & FUSE_CAP_WRITEBACK_CACHE)) {
    conn->want |= FUSE_CAP_WRITEBACK_CACHE;
    ch->SetWritebackCacheEnabled(true);
  }
  if (ch->ops().init) ch->ops().init();
}

void Destroy(void* userdata) {
  auto* ch = static_cast<FuseChannel*>(userdata);
  if (ch->ops().destroy) ch->ops().destroy();
}

}  // namespace

fuse_lowlevel_ops BuildLowlevelOps(const Ops& ops) {
  namespace d = dispatch;
  fuse_lowlevel_ops ll{};
  ll.init = &Init;
  ll.destroy = &Destroy;
  ll.forget = &d::Forget;
  ll.forget_multi = &d::ForgetMulti;
  if (ops.lookup) ll.lookup = &d::Lookup;
  if (ops.getattr) ll.getattr = &d::Getattr;
  if (ops.setattr) ll.setattr = &d::Setattr;
  if (ops.readlink) ll.readlink = &d::Readlink;
  if (ops.mknod) ll.mknod = &d::Mknod;
  if (ops.mkdir) ll.mkdir = &d::Mkdir;
  if (ops.unlink) ll.unlink = &d::Unlink;
  if (ops.rmdir) ll.rmdir = &d::Rmdir;
  if (ops.symlink) ll.symlink = &d::Symlink;
  if (ops.rename) ll.rename = &d::Rename;
  if (ops.link) ll.link = &d::Link;
  if (ops.open) ll.open = &d::Open;
  if (ops.create) ll.create = &d::Create;
  if (ops.read) ll.read = &d::Read;
  if (ops.write) ll.write = &d::Write;
  if (ops.flush) ll.flush = &d::Flush;
  if (ops.release) ll.release = &d::Release;
  if (ops.fsync) ll.fsync = &d::Fsync;
  if (ops.fallocate) ll.fallocate = &d::Fallocate;
  if (ops.opendir) ll.opendir = &d::Opendir;
  if (ops.readdir) {
    ll.readdir = &d::Readdir;
    ll.readdirplus = &d::Readdirplus;
  }
  if (ops.releasedir) ll.releasedir = &d::Releasedir;
  if (ops.fsyncdir) ll.fsyncdir = &d::Fsyncdir;
  if (ops.statfs) ll.statfs = &d::Statfs;
  if (ops.setxattr) ll.setxattr = &d::Setxattr;
  if (ops.getxattr) ll.getxattr = &d::Getxattr;
  if (ops.listxattr) ll.listxattr = &d::Listxattr;
  if (ops.removexattr) ll.removexattr = &d::Removexattr;
  return ll;
}

}  // namespace rpuffs::puffs
