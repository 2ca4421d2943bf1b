// client/rpuffs — the vnode ops of the rpuffs filesystem, grouped by what
// they touch. Each Add*Ops fills its entries of the puffs ops table with
// handlers that follow one shape: build the request, RemoteFs::Rpc (the
// only suspend point), check and convert the reply, update the caches,
// return an errno. Every handler runs in its request's continuation on the
// loop thread; `fs` must outlive the table.
#pragma once

#include "client/puffs/ops.h"
#include "client/rpuffs/remote_fs.h"

namespace rpuffs::client {

void AddEntryOps(RemoteFs& fs, puffs::Ops* ops);  // lookup, mknod, mkdir, symlink, link, unlink, rmdir, rename
void AddAttrOps(RemoteFs& fs, puffs::Ops* ops);   // getattr, setattr, readlink, statfs, reclaim
void AddFileOps(RemoteFs& fs, puffs::Ops* ops);   // open, create, read, write, flush, release, fsync, fallocate
void AddDirOps(RemoteFs& fs, puffs::Ops* ops);    // opendir, readdir, releasedir, fsyncdir
void AddXattrOps(RemoteFs& fs, puffs::Ops* ops);  // set/get/list/removexattr

}  // namespace rpuffs::client
