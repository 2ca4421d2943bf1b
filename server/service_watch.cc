// VolumeService: Watch, the stream of change notices (see server/watcher.h
// for what is sent and server/change_feed.h for who receives what).
#include "server/log.h"
#include "server/volume_service.h"
#include "server/volume_service_impl.h"

namespace rpuffs::server {

grpc::ServerWriteReactor<v1::WatchEvent>* VolumeService::Watch(grpc::CallbackServerContext* ctx,
                                                               const v1::WatchRequest* req) {
  Call call;  // counted as in flight only while this handler runs
  grpc::Status st = Begin(req->has_hdr() ? &req->hdr() : nullptr, &call);
  const uint64_t session = st.ok() ? call.session->id() : 0;
  auto* watcher = new Watcher(feed_, call.volume, session);
  if (!st.ok()) {
    watcher->Refuse(st);
    return watcher;
  }
  if (!feed_->Add(watcher)) {
    watcher->Refuse(grpc::Status(grpc::StatusCode::UNAVAILABLE, "server shutting down"));
    return watcher;
  }
  watcher->Start();
  // A Goodbye that ran between Begin() and Add() found no watcher to end:
  // look again now that this one is registered.
  spdlog::info("event=watch-open session={:x} volume={} peer={}", session, call.session->volume_name(), ctx->peer());
  if (!sessions_->Alive(session)) feed_->EndSession(session);
  return watcher;
}

uint64_t VolumeService::InodeIfWatched(const Call& call, uint64_t parent, const std::string& name) {
  if (!feed_->Watched()) return 0;
  // As root: only the inode number is wanted, not a permission verdict.
  auto found = call.volume->Lookup(storage::Caller{}, parent, name);
  return found.ok() ? found->ino : 0;
}

}  // namespace rpuffs::server
