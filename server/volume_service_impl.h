// server/volume_service_impl — the templates every VolumeService handler file
// uses to run one request (see volume_service.h for the threading rules).
#pragma once

#include <exception>
#include <memory>
#include <utility>

#include "server/log.h"
#include "server/volume_service.h"

namespace rpuffs::server {

// The first non-zero errno of a list of checks (all of them are cheap).
inline int FirstError(std::initializer_list<int> errs) {
  for (int e : errs) {
    if (e != 0) return e;
  }
  return 0;
}

template <class Fn>
grpc::Status VolumeService::Guarded(const std::string& op, Fn& fn, Call& call) {
  try {
    return fn(call);
  } catch (const std::exception& e) {
    spdlog::error("event=handler-exception op={} what=\"{}\"", op, e.what());
  } catch (...) {
    spdlog::error("event=handler-exception op={} what=unknown", op);
  }
  return grpc::Status(grpc::StatusCode::INTERNAL, "internal error");
}

template <class Req, class Fn>
grpc::ServerUnaryReactor* VolumeService::Inline(grpc::CallbackServerContext* ctx, const Req* req, Fn&& fn) {
  grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
  Call call;
  grpc::Status st = Begin(req->has_hdr() ? &req->hdr() : nullptr, &call);
  if (st.ok()) st = Guarded(req->GetDescriptor()->name(), fn, call);
  reactor->Finish(st);
  return reactor;
}

template <class Req, class Defer, class Fn>
grpc::ServerUnaryReactor* VolumeService::Deferred(grpc::CallbackServerContext* ctx, const Req* req, Defer defer,
                                                  Fn fn) {
  grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
  auto call = std::make_shared<Call>();
  grpc::Status st = Begin(req->has_hdr() ? &req->hdr() : nullptr, call.get());
  if (!st.ok() || !defer(*call)) {
    if (st.ok()) st = Guarded(req->GetDescriptor()->name(), fn, *call);
    reactor->Finish(st);
    return reactor;
  }
  // req and the reply stay valid until Finish(), which runs last.
  pool_->Submit([reactor, call, req, fn = std::move(fn)]() mutable {
    reactor->Finish(Guarded(req->GetDescriptor()->name(), fn, *call));
  });
  return reactor;
}

}  // namespace rpuffs::server
