// VolumeService: directory listing, extended attributes and forget.
#include "server/convert.h"
#include "server/validate.h"
#include "server/volume_service.h"
#include "server/volume_service_impl.h"

namespace rpuffs::server {

grpc::ServerUnaryReactor* VolumeService::Readdir(grpc::CallbackServerContext* ctx,
                                                 const v1::ReaddirRequest* req, v1::ReaddirReply* rep) {
  return Inline(ctx, req, [&](Call& call) {
    if (int err = CheckIno(req->ino())) return Refuse(err, rep);
    auto listed =
        call.volume->Readdir(call.caller, req->ino(), req->offset(), ReaddirPage(req->max_entries()), req->plus());
    rep->set_err(WireErrno("readdir", listed.status()));
    if (!listed.ok()) return grpc::Status::OK;
    rep->mutable_entries()->Reserve(static_cast<int>(listed->entries.size()));
    for (const storage::DirEntry& e : listed->entries) ToProto(e, req->plus(), rep->add_entries());
    rep->set_eof(listed->eof);
    return grpc::Status::OK;
  });
}

grpc::ServerUnaryReactor* VolumeService::SetXattr(grpc::CallbackServerContext* ctx,
                                                  const v1::SetXattrRequest* req, v1::ErrReply* rep) {
  return Inline(ctx, req, [&](Call& call) {
    int err = FirstError(
        {CheckIno(req->ino()), CheckXattrName(req->name()), CheckXattrValue(req->value(), req->flags())});
    if (err) return Refuse(err, rep);
    storage::Status st =
        call.volume->SetXattr(call.op, call.caller, req->ino(), req->name(), req->value(), req->flags());
    if (st.ok()) Publish(call, {InodeNote(req->ino())});
    return Answer("setxattr", st, rep);
  });
}

grpc::ServerUnaryReactor* VolumeService::GetXattr(grpc::CallbackServerContext* ctx,
                                                  const v1::GetXattrRequest* req, v1::GetXattrReply* rep) {
  return Inline(ctx, req, [&](Call& call) {
    if (int err = FirstError({CheckIno(req->ino()), CheckXattrName(req->name())})) return Refuse(err, rep);
    return Answer("getxattr", call.volume->GetXattr(call.caller, req->ino(), req->name()), rep);
  });
}

grpc::ServerUnaryReactor* VolumeService::ListXattr(grpc::CallbackServerContext* ctx,
                                                   const v1::ListXattrRequest* req, v1::ListXattrReply* rep) {
  return Inline(ctx, req, [&](Call& call) {
    if (int err = CheckIno(req->ino())) return Refuse(err, rep);
    return Answer("listxattr", call.volume->ListXattr(call.caller, req->ino()), rep);
  });
}

grpc::ServerUnaryReactor* VolumeService::RemoveXattr(grpc::CallbackServerContext* ctx,
                                                     const v1::RemoveXattrRequest* req, v1::ErrReply* rep) {
  return Inline(ctx, req, [&](Call& call) {
    if (int err = FirstError({CheckIno(req->ino()), CheckXattrName(req->name())})) return Refuse(err, rep);
    storage::Status st = call.volume->RemoveXattr(call.op, call.caller, req->ino(), req->name());
    if (st.ok()) Publish(call, {InodeNote(req->ino())});
    return Answer("removexattr", st, rep);
  });
}

grpc::ServerUnaryReactor* VolumeService::Forget(grpc::CallbackServerContext* ctx, const v1::ForgetRequest* req,
                                                v1::ErrReply* rep) {
  // The server keeps no lookup counts (inodes live while linked or open), so
  // forgetting only renews the lease.
  return Inline(ctx, req, [rep](Call&) {
    rep->set_err(0);
    return grpc::Status::OK;
  });
}

}  // namespace rpuffs::server
