#include "server/volume_service.h"

#include "server/convert.h"
#include "server/volume_service_impl.h"

namespace rpuffs::server {

VolumeService::VolumeService(storage::Store* store, SessionTable* sessions, WorkerPool* pool,
                             ServiceConfig config)
    : store_(store), sessions_(sessions), pool_(pool), config_(std::move(config)) {}

grpc::Status VolumeService::Begin(const v1::RequestHeader* hdr, Call* call) {
  if (hdr == nullptr) return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "missing hdr");
  call->session = sessions_->Acquire(hdr->session_id());
  if (!call->session) return grpc::Status(grpc::StatusCode::UNAUTHENTICATED, "unknown session");
  call->session->Ack(hdr->acked_below());
  call->volume = call->session->volume();
  call->op = storage::OpId{hdr->session_id(), hdr->seq()};
  call->caller = ToCaller(*hdr);
  return grpc::Status::OK;
}

}  // namespace rpuffs::server
