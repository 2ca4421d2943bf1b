// VolumeService: file data and handles — open, release, read, write, fsync,
// fallocate, statfs.
#include <fcntl.h>

#include <optional>

#include "server/convert.h"
#include "server/validate.h"
#include "server/volume_service.h"
#include "server/volume_service_impl.h"

namespace rpuffs::server {
namespace {

grpc::Status OversizedIo() {
  return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "read or write larger than 1 MiB");
}

}  // namespace

grpc::ServerUnaryReactor* VolumeService::Open(grpc::CallbackServerContext* ctx, const v1::OpenRequest* req,
                                              v1::OpenReply* rep) {
  return Inline(ctx, req, [&](Call& call) {
    if (int err = CheckIno(req->ino())) return Refuse(err, rep);
    auto opened = call.volume->Open(call.op, call.caller, req->ino(), req->flags());
    // Opening publishes nothing, unless O_TRUNC changed the file.
    if (opened.ok() && (req->flags() & O_TRUNC)) Publish(call, {InodeNote(req->ino())});
    return Answer("open", std::move(opened), rep);
  });
}

grpc::ServerUnaryReactor* VolumeService::Release(grpc::CallbackServerContext* ctx,
                                                 const v1::ReleaseRequest* req, v1::ErrReply* rep) {
  // The close of a written handle commits with sync (an fdatasync): that one
  // runs on the worker pool. The proto has no "was written" flag, so the
  // session remembers which handles saw a Write since the last durable commit.
  auto sync = std::make_shared<bool>(false);
  return Deferred(
      ctx, req, [req, sync](Call& call) { return *sync = call.session->TakeWritten(req->fh()); },
      [this, req, rep, sync](Call& call) { return ApplyRelease(call, *req, *sync, rep); });
}

grpc::Status VolumeService::ApplyRelease(Call& call, const v1::ReleaseRequest& req, bool sync, v1::ErrReply* rep) {
  // A retry (or a replayed Batch) is answered as the first attempt was.
  const uint64_t seq = call.op.seq;
  if (std::optional<int> first = seq != 0 ? call.session->ReleaseOutcome(seq) : std::nullopt) {
    return Refuse(*first, rep);
  }
  grpc::Status st = Answer("release", call.volume->Release(call.session->id(), req.fh(), sync), rep);
  if (seq != 0) call.session->RecordRelease(seq, rep->err());
  return st;
}

grpc::ServerUnaryReactor* VolumeService::Read(grpc::CallbackServerContext* ctx, const v1::ReadRequest* req,
                                              v1::ReadReply* rep) {
  return Inline(ctx, req, [&](Call& call) {
    if (IsOversizedIo(req->size())) return OversizedIo();
    if (int err = FirstError({CheckIno(req->ino()), CheckReadRange(req->offset(), req->size())})) {
      return Refuse(err, rep);
    }
    return Answer("read", call.volume->Read(req->ino(), req->offset(), req->size()), rep);
  });
}

grpc::ServerUnaryReactor* VolumeService::Write(grpc::CallbackServerContext* ctx, const v1::WriteRequest* req,
                                               v1::WriteReply* rep) {
  // A write with sync waits for fdatasync: that one runs on the worker pool.
  return Deferred(
      ctx, req, [req](Call&) { return req->sync() && !IsOversizedIo(req->data().size()); },
      [this, req, rep](Call& call) {
        grpc::Status st = ApplyWrite(call, *req, rep);
        if (!st.ok() || rep->err() != 0 || !req->sync()) return st;
        if (storage::Status synced = CommitDurably(call, req->ino()); !synced.ok()) {
          // Applied but not known durable: answered as write(2) with O_SYNC would be.
          rep->Clear();
          return Answer("write", synced, rep);
        }
        return st;
      });
}

grpc::Status VolumeService::ApplyWrite(Call& call, const v1::WriteRequest& req, v1::WriteReply* rep) {
  if (IsOversizedIo(req.data().size())) return OversizedIo();
  // With append the offset is ignored; storage checks the end of file.
  uint64_t offset = req.append() ? 0 : req.offset();
  if (int err = FirstError({CheckIno(req.ino()), CheckWriteRange(offset, req.data().size())})) {
    return Refuse(err, rep);
  }
  auto written = call.volume->Write(call.op, call.caller, req.ino(), offset, req.data(), req.append());
  if (written.ok()) {
    Publish(call, {InodeNote(req.ino())});
    if (req.fh() != 0) call.session->MarkWritten(req.fh());
  }
  return Answer("write", std::move(written), rep);
}

grpc::ServerUnaryReactor* VolumeService::Fsync(grpc::CallbackServerContext* ctx, const v1::FsyncRequest* req,
                                               v1::ErrReply* rep) {
  return Deferred(
      ctx, req, [req](Call&) { return CheckIno(req->ino()) == 0; },
      [this, req, rep](Call& call) {
        if (int err = CheckIno(req->ino())) return Refuse(err, rep);
        return Answer("fsync", CommitDurably(call, req->ino()), rep);
      });
}

grpc::ServerUnaryReactor* VolumeService::Fallocate(grpc::CallbackServerContext* ctx,
                                                   const v1::FallocateRequest* req, v1::AttrReply* rep) {
  return Inline(ctx, req, [&](Call& call) {
    int err = FirstError({CheckIno(req->ino()), CheckFallocate(req->mode(), req->offset(), req->length())});
    if (err) return Refuse(err, rep);
    auto changed =
        call.volume->Fallocate(call.op, call.caller, req->ino(), req->mode(), req->offset(), req->length());
    if (changed.ok()) Publish(call, {InodeNote(req->ino())});
    return Answer("fallocate", std::move(changed), rep);
  });
}

grpc::ServerUnaryReactor* VolumeService::Statfs(grpc::CallbackServerContext* ctx, const v1::StatfsRequest* req,
                                                v1::StatfsReply* rep) {
  return Inline(ctx, req, [&](Call& call) { return Answer("statfs", call.volume->Statfs(), rep); });
}

}  // namespace rpuffs::server
