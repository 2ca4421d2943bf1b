// Ops on one inode's attributes, symlink target and the volume's statfs.
#include <fuse_lowlevel.h>
#include <sys/stat.h>
#include <spdlog/spdlog.h>

#include "client/remote/rpcs.h"
#include "client/rpuffs/fs_ops.h"

namespace rpuffs::client {
namespace {

using puffs::AttrOut;
using puffs::Request;

void SetTime(v1::Timespec* t, const timespec& ts) {
  t->set_sec(ts.tv_sec);
  t->set_nsec(static_cast<uint32_t>(ts.tv_nsec));
}

// FUSE_SET_ATTR_* -> SetAttrRequest (kSet* bits of the proto).
v1::SetAttrRequest ToSetAttr(uint64_t ino, const puffs::SetAttrIn& in) {
  struct Bit {
    int fuse;
    uint32_t wire;
  };
  static constexpr Bit kBits[] = {
      {FUSE_SET_ATTR_MODE, v1::SET_MODE},           {FUSE_SET_ATTR_UID, v1::SET_UID},
      {FUSE_SET_ATTR_GID, v1::SET_GID},             {FUSE_SET_ATTR_SIZE, v1::SET_SIZE},
      {FUSE_SET_ATTR_ATIME, v1::SET_ATIME},         {FUSE_SET_ATTR_MTIME, v1::SET_MTIME},
      {FUSE_SET_ATTR_ATIME_NOW, v1::SET_ATIME_NOW}, {FUSE_SET_ATTR_MTIME_NOW, v1::SET_MTIME_NOW},
      {FUSE_SET_ATTR_KILL_SUID, v1::SET_KILL_SUIDGID}, {FUSE_SET_ATTR_KILL_SGID, v1::SET_KILL_SUIDGID},
  };
  v1::SetAttrRequest req;
  req.set_ino(ino);
  uint32_t valid = 0;
  for (const Bit& b : kBits) {
    if (in.valid & b.fuse) valid |= b.wire;
  }
  // The kernel marks "now" as ATIME|ATIME_NOW; explicit times need ownership
  // while "now" needs only write permission, so send just the _NOW bit.
  if (valid & v1::SET_ATIME_NOW) valid &= ~static_cast<uint32_t>(v1::SET_ATIME);
  if (valid & v1::SET_MTIME_NOW) valid &= ~static_cast<uint32_t>(v1::SET_MTIME);
  req.set_valid(valid);
  req.set_mode(in.attr.st_mode & 07777);
  req.set_uid(in.attr.st_uid);
  req.set_gid(in.attr.st_gid);
  req.set_size(static_cast<uint64_t>(in.attr.st_size));
  SetTime(req.mutable_atime(), in.attr.st_atim);
  SetTime(req.mutable_mtime(), in.attr.st_mtim);
  if (in.fh) req.set_fh(*in.fh);
  return req;
}

}  // namespace

void AddAttrOps(RemoteFs& fs, puffs::Ops* ops) {
  // Another mount changed it, or the watch was lost: forget.
  fs.OnNotice([&fs](Ino ino) { ino == 0 ? fs.dir_attrs().Clear() : fs.dir_attrs().Drop(fs.ToServer(ino)); });
  ops->getattr = [&fs](Request& r, Ino ino, AttrOut* out) {
    // A directory this mount just changed an entry of (dir_attrs.h).
    if (const v1::Attr* known = fs.watching() ? fs.dir_attrs().Find(fs.ToServer(ino)) : nullptr) {
      // Tests count these lines (-d) to check that the round trip was saved.
      spdlog::debug("event=dir_attrs_hit ino={}", ino);
      int err = fs.FillAttr("GetAttr", *known, out);
      out->timeout = fs.settings().attr_timeout;
      return err;
    }
    v1::GetAttrRequest req;
    req.set_ino(fs.ToServer(ino));
    v1::AttrReply rep;
    uint64_t epoch = fs.dir_attrs().Epoch();
    if (int err = fs.Rpc(r, remote::kGetAttr, std::move(req), &rep); err != 0) return err;
    // A directory's attributes are kept too (same race rule): the kernel
    // asks again after each entry change, and a held unlink needs them.
    if (S_ISDIR(rep.attr().mode())) fs.SawParent(rep.attr(), epoch);
    return fs.FillAttr("GetAttr", rep.attr(), out);
  };
  ops->setattr = [&fs](Request& r, Ino ino, const puffs::SetAttrIn& in, AttrOut* out) {
    fs.dir_attrs().Drop(fs.ToServer(ino));
    v1::SetAttrRequest req = ToSetAttr(fs.ToServer(ino), in);
    // chown/chmod/utimes of a file open for writing here: held until its
    // close (held_ops.h), answered from the predicted attributes.
    uint64_t owner = in.fh ? *in.fh : fs.held().WriterFh(req.ino());
    if (int err = 0; fs.HoldSetAttr(r, req, owner, out, &err)) return err;
    v1::AttrReply rep;
    int err = fs.Rpc(r, remote::kSetAttr, std::move(req), &rep);
    // Again: a create's reply read before this change may have come meanwhile.
    fs.dir_attrs().Drop(fs.ToServer(ino));
    if (err != 0) return err;
    // A truncate by this mount: the kernel trims its own page cache.
    if (in.valid & FUSE_SET_ATTR_SIZE) fs.Seen(rep.attr());
    return fs.FillAttr("SetAttr", rep.attr(), out);
  };
  ops->readlink = [&fs](Request& r, Ino ino, std::string* target) {
    v1::ReadlinkRequest req;
    req.set_ino(fs.ToServer(ino));
    v1::ReadlinkReply rep;
    if (int err = fs.Rpc(r, remote::kReadlink, std::move(req), &rep); err != 0) return err;
    *target = rep.target();
    return 0;
  };
  ops->statfs = [&fs](Request& r, Ino, struct statvfs* out) {
    v1::StatfsReply rep;
    if (int err = fs.Rpc(r, remote::kStatfs, v1::StatfsRequest(), &rep); err != 0) return err;
    *out = {};
    out->f_bsize = rep.bsize();
    out->f_frsize = rep.frsize();
    out->f_blocks = rep.blocks();
    out->f_bfree = rep.bfree();
    out->f_bavail = rep.bavail();
    out->f_files = rep.files();
    out->f_ffree = rep.ffree();
    out->f_favail = rep.ffree();
    out->f_namemax = rep.namemax();
    return 0;
  };
  // The server keeps no lookup counts (its Forget only renews the lease), so
  // forgets are not sent at all; only the local cache entry goes.
  ops->reclaim = [&fs](Ino ino) { fs.Forget(ino); };
}

}  // namespace rpuffs::client
