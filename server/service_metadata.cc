// VolumeService: the namespace operations — lookup, getattr, setattr, create,
// mknod, mkdir, unlink, rmdir, symlink, readlink, link, rename.
#include <fcntl.h>

#include "server/convert.h"
#include "server/validate.h"
#include "server/volume_service.h"
#include "server/volume_service_impl.h"

namespace rpuffs::server {
namespace {

// The directory's attributes after a change that made an entry in it, so
// the client can answer the kernel's next GETATTR of it (the kernel drops a
// directory's attributes after every such change). Best effort: unset if
// the read fails.
template <class Reply>
grpc::Status WithParent(storage::Volume* volume, uint64_t parent, grpc::Status st, Reply* rep) {
  if (rep->err() == 0) {
    auto attr = volume->GetAttr(parent);
    if (attr.ok()) ToProto(attr.value(), rep->mutable_parent());
  }
  return st;
}

}  // namespace

grpc::ServerUnaryReactor* VolumeService::Lookup(grpc::CallbackServerContext* ctx, const v1::LookupRequest* req,
                                                v1::EntryReply* rep) {
  return Inline(ctx, req, [&](Call& call) {
    if (int err = FirstError({CheckIno(req->parent()), CheckName(req->name())})) return Refuse(err, rep);
    return Answer("lookup", call.volume->Lookup(call.caller, req->parent(), req->name()), rep);
  });
}

grpc::ServerUnaryReactor* VolumeService::GetAttr(grpc::CallbackServerContext* ctx,
                                                 const v1::GetAttrRequest* req, v1::AttrReply* rep) {
  return Inline(ctx, req, [&](Call& call) {
    if (int err = CheckIno(req->ino())) return Refuse(err, rep);
    return Answer("getattr", call.volume->GetAttr(req->ino()), rep);
  });
}

grpc::ServerUnaryReactor* VolumeService::SetAttr(grpc::CallbackServerContext* ctx,
                                                 const v1::SetAttrRequest* req, v1::AttrReply* rep) {
  return Inline(ctx, req, [&](Call& call) { return ApplySetAttr(call, *req, rep); });
}

grpc::Status VolumeService::ApplySetAttr(Call& call, const v1::SetAttrRequest& req, v1::AttrReply* rep) {
  int err = FirstError(
      {CheckIno(req.ino()), CheckSetAttr(req.valid(), req.size(), req.atime().nsec(), req.mtime().nsec())});
  if (err) return Refuse(err, rep);
  auto changed = call.volume->SetAttr(call.op, call.caller, req.ino(), ToSetAttrIn(req));
  if (changed.ok()) Publish(call, {InodeNote(req.ino())});
  return Answer("setattr", std::move(changed), rep);
}

grpc::ServerUnaryReactor* VolumeService::Create(grpc::CallbackServerContext* ctx, const v1::CreateRequest* req,
                                                v1::CreateReply* rep) {
  return Inline(ctx, req, [&](Call& call) {
    if (int err = FirstError({CheckIno(req->parent()), CheckNewName(req->name())})) return Refuse(err, rep);
    auto made = call.volume->Create(call.op, call.caller, req->parent(), req->name(), req->mode() & 07777u,
                                    req->flags());
    if (made.ok() && made->created) PublishNewEntry(call, req->parent(), req->name());
    // An existing file opened with O_TRUNC changed size.
    if (made.ok() && !made->created && (req->flags() & O_TRUNC)) Publish(call, {InodeNote(made->attr.ino)});
    return WithParent(call.volume, req->parent(), Answer("create", std::move(made), rep), rep);
  });
}

grpc::ServerUnaryReactor* VolumeService::Mknod(grpc::CallbackServerContext* ctx, const v1::MknodRequest* req,
                                               v1::EntryReply* rep) {
  return Inline(ctx, req, [&](Call& call) {
    int err = FirstError({CheckIno(req->parent()), CheckNewName(req->name()), CheckMknodMode(req->mode())});
    if (err) return Refuse(err, rep);
    auto made = call.volume->Mknod(call.op, call.caller, req->parent(), req->name(), req->mode(), req->rdev());
    if (made.ok()) PublishNewEntry(call, req->parent(), req->name());
    return WithParent(call.volume, req->parent(), Answer("mknod", std::move(made), rep), rep);
  });
}

grpc::ServerUnaryReactor* VolumeService::Mkdir(grpc::CallbackServerContext* ctx, const v1::MkdirRequest* req,
                                               v1::EntryReply* rep) {
  return Inline(ctx, req, [&](Call& call) {
    if (int err = FirstError({CheckIno(req->parent()), CheckNewName(req->name())})) return Refuse(err, rep);
    auto made = call.volume->Mkdir(call.op, call.caller, req->parent(), req->name(), req->mode() & 07777u);
    if (made.ok()) PublishNewEntry(call, req->parent(), req->name());
    return WithParent(call.volume, req->parent(), Answer("mkdir", std::move(made), rep), rep);
  });
}

grpc::ServerUnaryReactor* VolumeService::Unlink(grpc::CallbackServerContext* ctx, const v1::UnlinkRequest* req,
                                                v1::ErrReply* rep) {
  return Inline(ctx, req, [&](Call& call) { return ApplyUnlink(call, *req, rep); });
}

grpc::Status VolumeService::ApplyUnlink(Call& call, const v1::UnlinkRequest& req, v1::ErrReply* rep) {
  if (int err = FirstError({CheckIno(req.parent()), CheckName(req.name())})) return Refuse(err, rep);
  const uint64_t victim = InodeIfWatched(call, req.parent(), req.name());
  storage::Status st = call.volume->Unlink(call.op, call.caller, req.parent(), req.name());
  if (st.ok()) PublishRemovedEntry(call, req.parent(), req.name(), victim);
  return WithParent(call.volume, req.parent(), Answer("unlink", st, rep), rep);
}

grpc::ServerUnaryReactor* VolumeService::Rmdir(grpc::CallbackServerContext* ctx, const v1::RmdirRequest* req,
                                               v1::ErrReply* rep) {
  return Inline(ctx, req, [&](Call& call) {
    if (int err = FirstError({CheckIno(req->parent()), CheckName(req->name())})) return Refuse(err, rep);
    const uint64_t victim = InodeIfWatched(call, req->parent(), req->name());
    storage::Status st = call.volume->Rmdir(call.op, call.caller, req->parent(), req->name());
    if (st.ok()) PublishRemovedEntry(call, req->parent(), req->name(), victim);
    return WithParent(call.volume, req->parent(), Answer("rmdir", st, rep), rep);
  });
}

grpc::ServerUnaryReactor* VolumeService::Symlink(grpc::CallbackServerContext* ctx,
                                                 const v1::SymlinkRequest* req, v1::EntryReply* rep) {
  return Inline(ctx, req, [&](Call& call) {
    int err =
        FirstError({CheckIno(req->parent()), CheckNewName(req->name()), CheckSymlinkTarget(req->target())});
    if (err) return Refuse(err, rep);
    auto made = call.volume->Symlink(call.op, call.caller, req->parent(), req->name(), req->target());
    if (made.ok()) PublishNewEntry(call, req->parent(), req->name());
    return WithParent(call.volume, req->parent(), Answer("symlink", std::move(made), rep), rep);
  });
}

grpc::ServerUnaryReactor* VolumeService::Readlink(grpc::CallbackServerContext* ctx,
                                                  const v1::ReadlinkRequest* req, v1::ReadlinkReply* rep) {
  return Inline(ctx, req, [&](Call& call) {
    if (int err = CheckIno(req->ino())) return Refuse(err, rep);
    return Answer("readlink", call.volume->Readlink(req->ino()), rep);
  });
}

grpc::ServerUnaryReactor* VolumeService::Link(grpc::CallbackServerContext* ctx, const v1::LinkRequest* req,
                                              v1::EntryReply* rep) {
  return Inline(ctx, req, [&](Call& call) {
    int err = FirstError({CheckIno(req->ino()), CheckIno(req->new_parent()), CheckNewName(req->new_name())});
    if (err) return Refuse(err, rep);
    auto linked = call.volume->Link(call.op, call.caller, req->ino(), req->new_parent(), req->new_name());
    if (linked.ok()) {
      Publish(call,
              {InodeNote(req->ino()), InodeNote(req->new_parent()), EntryNote(req->new_parent(), req->new_name())});
    }
    return WithParent(call.volume, req->new_parent(), Answer("link", std::move(linked), rep), rep);
  });
}

grpc::ServerUnaryReactor* VolumeService::Rename(grpc::CallbackServerContext* ctx, const v1::RenameRequest* req,
                                                v1::ErrReply* rep) {
  return Inline(ctx, req, [&](Call& call) {
    // Neither name may be "." or "..": renaming those is refused as rename(2) does.
    int err = FirstError({CheckIno(req->parent()), CheckNewName(req->name()), CheckIno(req->new_parent()),
                          CheckNewName(req->new_name()), CheckRenameFlags(req->flags())});
    if (err) return Refuse(err, rep);
    const uint64_t moved = InodeIfWatched(call, req->parent(), req->name());
    const uint64_t victim = InodeIfWatched(call, req->new_parent(), req->new_name());
    storage::Status st = call.volume->Rename(call.op, call.caller, req->parent(), req->name(), req->new_parent(),
                                             req->new_name(), req->flags());
    // Parents first, so a rename within one directory names it once.
    if (st.ok()) {
      Publish(call, {InodeNote(req->parent()),
                     InodeNote(req->new_parent()),
                     EntryNote(req->parent(), req->name()),
                     EntryNote(req->new_parent(), req->new_name()),
                     InodeNote(moved),
                     InodeNote(victim)});
    }
    return Answer("rename", st, rep);
  });
}

}  // namespace rpuffs::server
