// Ops on open files: open/create with close-to-open caching, 1 MiB reads and
// writes, read-around for small reads (read_around.h: the data changes this
// mount makes or learns of are reported to it here, and the ops that let
// the kernel change its page cache wait for the stores queued before them),
// flush that makes written data durable, release, fsync, fallocate.
#include <fcntl.h>
#include <fuse_lowlevel.h>
#include <sys/stat.h>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cassert>

#include "client/remote/channel.h"
#include "client/remote/rpcs.h"
#include "client/rpuffs/fs_ops.h"

namespace rpuffs::client {
namespace {

using puffs::OpenFile;
using puffs::Request;

bool ForWriting(int flags) { return (flags & O_ACCMODE) != O_RDONLY; }
// A handle that may change the file's data (O_RDONLY|O_TRUNC truncates too).
bool Changes(int flags) { return ForWriting(flags) || (flags & O_TRUNC) != 0; }

int Open(RemoteFs& fs, Request& r, Ino ino, OpenFile* of) {
  ReadAround& around = fs.read_around();
  // From now on no read stores into this file.
  if (Changes(of->flags)) around.WriterOpened(ino);
  v1::OpenRequest req;
  req.set_ino(fs.ToServer(ino));
  req.set_flags(static_cast<uint32_t>(of->flags));
  v1::OpenReply rep;
  if (int err = fs.Rpc(r, remote::kOpen, std::move(req), &rep); err != 0) {
    if (Changes(of->flags)) around.WriterClosed(ino);
    return err;
  }
  // Close-to-open: the page cache survives only if nobody changed the file
  // since this mount last saw it.
  of->keep_cache = rep.attr().ino() != 0 && fs.Unchanged(rep.attr());
  if (rep.attr().ino() != 0) fs.Seen(rep.attr());
  // The kernel writes, truncates or drops the page cache once we answer: a
  // store of older data must not land after that.
  if (!of->keep_cache) around.Changed(ino);
  if (!of->keep_cache || Changes(of->flags)) around.WaitStoresSent(ino);
  of->fh = rep.fh();
  fs.Opened(of->fh);
  // Closing a handle that cannot have changed anything has nothing to make
  // durable or report: no FLUSH round trip. (A held chmod made through it is
  // the writer's: the kernel names no handle for fchmod/fchown/futimens.)
  of->noflush = !Changes(of->flags);
  if (Changes(of->flags)) around.WriterHandle(of->fh, ino);
  if (fs.write_behind() && ForWriting(of->flags)) {
    fs.held().OpenedForWrite(fs.ToServer(ino), rep.attr().ino() != 0 ? &rep.attr() : nullptr, of->fh);
  }
  return 0;
}

int Create(RemoteFs& fs, Request& r, Ino parent, const std::string& name, mode_t mode,
           OpenFile* of, puffs::Entry* out) {
  v1::CreateRequest req;
  req.set_parent(fs.ToServer(parent));
  req.set_name(name);
  req.set_mode(mode);
  req.set_flags(static_cast<uint32_t>(of->flags));
  v1::CreateReply rep;
  uint64_t epoch = fs.dir_attrs().Epoch();
  if (int err = fs.Rpc(r, remote::kCreate, std::move(req), &rep); err != 0) {
    fs.dirs().Drop(fs.ToServer(parent));  // EEXIST included: another mount made it
    fs.dir_attrs().Drop(fs.ToServer(parent));
    return err;
  }
  if (rep.has_parent()) fs.SawParent(rep.parent(), epoch);
  fs.dirs().Added(fs.ToServer(parent), name);
  if (rep.created()) fs.Created(rep.attr().ino());
  of->fh = rep.fh();
  fs.Opened(of->fh);
  if (fs.write_behind() && ForWriting(of->flags)) fs.held().OpenedForWrite(rep.attr().ino(), &rep.attr(), of->fh);
  if (int err = fs.FillEntry("Create", rep.attr(), parent, name, out); err != 0) return err;
  // The file may be another mount's, and cached here under another name:
  // as an open that drops the page cache (and writes).
  if (Changes(of->flags)) {
    fs.read_around().WriterOpened(out->ino);
    fs.read_around().WriterHandle(of->fh, out->ino);
  }
  fs.read_around().Changed(out->ino);
  fs.read_around().WaitStoresSent(out->ino);
  fs.Seen(rep.attr());
  return 0;
}

int Read(RemoteFs& fs, Request& r, Ino ino, size_t size, off_t off, OpenFile& of,
         std::string* out) {
  auto offset = static_cast<uint64_t>(off);
  ReadAround::Reading reading(fs.read_around(), ino, offset, size);
  ReadAround::Plan plan = fs.read_around().PlanRead(ino, offset, size);
  v1::ReadRequest req;
  req.set_ino(fs.ToServer(ino));
  req.set_fh(of.fh);
  req.set_offset(plan.around ? plan.offset : offset);
  req.set_size(plan.around ? plan.size : static_cast<uint32_t>(std::min<size_t>(size, remote::kMaxIo)));
  spdlog::debug("event=rpc method=Read ino={} offset={} size={}", ino, req.offset(), req.size());
  v1::ReadReply rep;
  if (int err = fs.Rpc(r, remote::kRead, std::move(req), &rep); err != 0) return err;
  if (plan.around) {
    fs.read_around().Deliver(ino, plan, offset, size, std::move(*rep.mutable_data()), out);
  } else {
    out->swap(*rep.mutable_data());
  }
  return 0;
}

int Write(RemoteFs& fs, Request& r, Ino ino, const char* data, size_t size, off_t off,
          OpenFile& of, size_t* written) {
  v1::WriteRequest req;
  req.set_ino(fs.ToServer(ino));
  req.set_fh(of.fh);
  req.set_offset(static_cast<uint64_t>(off));
  req.set_data(data, std::min<size_t>(size, remote::kMaxIo));
  // The kernel's idea of the end of file may be stale: let the server append.
  req.set_append((of.flags & O_APPEND) != 0);
  fs.MarkDirty(of.fh);
  fs.read_around().Changed(ino);
  if (fs.write_behind()) {
    *written = req.data().size();
    return fs.WriteBehindWrite(r, std::move(req));
  }
  v1::WriteReply rep;
  if (int err = fs.Rpc(r, remote::kWrite, std::move(req), &rep); err != 0) return err;
  *written = rep.count();
  if (rep.attr().ino() != 0) fs.Seen(rep.attr());
  return 0;
}

int Fsync(RemoteFs& fs, Request& r, Ino ino, bool datasync, uint64_t fh) {
  if (fs.write_behind()) {
    // What is held goes with the durable commit, in one call.
    int err = fs.SendHeld(r, true);
    int held_err = fh != 0 ? fs.TakeWriteError(fh) : 0;
    return held_err != 0 ? held_err : err;
  }
  v1::FsyncRequest req;
  req.set_ino(fs.ToServer(ino));
  req.set_fh(fh);
  req.set_datasync(datasync);
  int err = fs.Rpc(r, remote::kFsync, std::move(req), static_cast<v1::ErrReply*>(nullptr));
  // A write-behind write that failed is reported here (the Rpc waited for all of them).
  int write_err = fh != 0 ? fs.TakeWriteError(fh) : 0;
  return write_err != 0 ? write_err : err;
}

int Release(RemoteFs& fs, Request& r, Ino ino, OpenFile& of) {
  fs.read_around().HandleClosed(of.fh);
  v1::ReleaseRequest req;
  req.set_ino(fs.ToServer(ino));
  req.set_fh(of.fh);
  if (fs.write_behind()) {
    // Nothing waits for a release: it goes with the next batch.
    if (ForWriting(of.flags)) fs.held().ClosedForWrite(req.ino(), of.fh);
    fs.HoldRelease(std::move(req));
    fs.TakeWriteError(of.fh);
    fs.Closed(of.fh);
    return 0;
  }
  int err = fs.Rpc(r, remote::kRelease, std::move(req), static_cast<v1::ErrReply*>(nullptr));
  fs.TakeWriteError(of.fh);  // too late to report: flush already did
  fs.Closed(of.fh);
  return err;
}

int Fallocate(RemoteFs& fs, Request& r, Ino ino, int mode, off_t off, off_t len, OpenFile& of) {
  v1::FallocateRequest req;
  req.set_ino(fs.ToServer(ino));
  req.set_fh(of.fh);
  req.set_mode(static_cast<uint32_t>(mode));
  req.set_offset(static_cast<uint64_t>(off));
  req.set_length(static_cast<uint64_t>(len));
  v1::AttrReply rep;
  fs.read_around().Changed(ino);  // through a handle open for writing: nothing is stored meanwhile
  if (int err = fs.Rpc(r, remote::kFallocate, std::move(req), &rep); err != 0) return err;
  if (rep.attr().ino() != 0) fs.Seen(rep.attr());
  return 0;
}

// Read-around learns what changes files: other mounts' changes (watch
// notices), the sizes and times the kernel is told, and this mount's size
// changes, whose replies must also wait for stores already queued (the
// kernel truncates its page cache once answered). REQUIRES: setattr set.
void AddReadAround(RemoteFs& fs, puffs::Ops* ops) {
  ReadAround& around = fs.read_around();
  fs.OnNotice([&around](Ino ino) { ino == 0 ? around.ChangedAll() : around.Changed(ino); });
  fs.OnAttr([&around](Ino ino, const v1::Attr& a, double) {
    if (S_ISREG(a.mode())) around.SawAttr(ino, a.size(), a.mtime().sec(), a.mtime().nsec());
  });
  assert(ops->setattr);
  ops->setattr = [&around, setattr = std::move(ops->setattr)](Request& r, Ino ino, const puffs::SetAttrIn& in,
                                                              puffs::AttrOut* out) {
    if ((in.valid & FUSE_SET_ATTR_SIZE) == 0) return setattr(r, ino, in, out);
    around.BeginChange(ino);
    int err = setattr(r, ino, in, out);
    around.EndChange(ino);
    around.WaitStoresSent(ino);
    return err;
  };
}

}  // namespace

void AddFileOps(RemoteFs& fs, puffs::Ops* ops) {
  using namespace std::placeholders;
  if (fs.read_around().enabled()) AddReadAround(fs, ops);
  ops->open = std::bind(Open, std::ref(fs), _1, _2, _3);
  ops->create = std::bind(Create, std::ref(fs), _1, _2, _3, _4, _5, _6);
  ops->read = std::bind(Read, std::ref(fs), _1, _2, _3, _4, _5, _6);
  ops->write = std::bind(Write, std::ref(fs), _1, _2, _3, _4, _5, _6, _7);
  // close() of a handle that may change the file returns only once what it
  // wrote is durable and everything held (this mount's changes to the
  // file) is on the server. Read-only handles send no FLUSH (Open sets
  // noflush): what is held goes at its writer's close, or within 20 ms.
  ops->flush = [&fs](Request& r, Ino ino, OpenFile& of) {
    bool dirty = fs.TakeDirty(of.fh);
    if (!fs.write_behind()) return dirty ? Fsync(fs, r, ino, false, of.fh) : 0;
    // Also when this descriptor wrote nothing: a held chmod of it may be in
    // flight (wait for it) or may have failed (report it).
    int err = 0;
    if (dirty || fs.held().HasChanges()) {
      err = fs.SendHeld(r, dirty);
    } else {
      fs.WaitWritesAndBatches();  // held releases may wait for their batch
    }
    int held_err = fs.TakeWriteError(of.fh);
    return held_err != 0 ? held_err : err;
  };
  ops->release = std::bind(Release, std::ref(fs), _1, _2, _3);
  ops->fsync = [&fs](Request& r, Ino ino, bool datasync, OpenFile& of) {
    return Fsync(fs, r, ino, datasync, of.fh);
  };
  ops->fallocate = std::bind(Fallocate, std::ref(fs), _1, _2, _3, _4, _5, _6);
  ops->fsyncdir = [&fs](Request& r, Ino ino, bool datasync, OpenFile&) {
    return Fsync(fs, r, ino, datasync, 0);
  };
}

}  // namespace rpuffs::client
