#include "server/volume_service.h"

#include <thread>

#include "server/convert.h"
#include "server/volume_service_impl.h"

namespace rpuffs::server {

VolumeService::VolumeService(storage::Store* store, SessionTable* sessions, WorkerPool* pool, ChangeFeed* feed,
                             ServiceConfig config)
    : store_(store), sessions_(sessions), pool_(pool), feed_(feed), config_(std::move(config)) {}

bool VolumeService::Admit(Call* call) {
  // Increment first, then look: Drain() sets the flag first, then looks at
  // the count, so one of the two always sees the other.
  in_flight_.fetch_add(1);
  call->counted_by = this;
  return !draining_.load();
}

bool VolumeService::Drain(std::chrono::steady_clock::time_point deadline) {
  draining_.store(true);
  while (in_flight_.load() > 0) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return true;
}

grpc::Status VolumeService::Begin(const v1::RequestHeader* hdr, Call* call) {
  if (!Admit(call)) return grpc::Status(grpc::StatusCode::UNAVAILABLE, "server shutting down");
  if (hdr == nullptr) return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "missing hdr");
  call->session = sessions_->Acquire(hdr->session_id());
  if (!call->session) return grpc::Status(grpc::StatusCode::UNAUTHENTICATED, "unknown session");
  call->session->Ack(hdr->acked_below());
  call->volume = call->session->volume();
  call->op = storage::OpId{hdr->session_id(), hdr->seq()};
  call->caller = ToCaller(*hdr);
  return grpc::Status::OK;
}

storage::Status VolumeService::CommitDurably(const Call& call, uint64_t ino) {
  // Forgotten before the commit: a write that lands meanwhile marks its
  // handle again, so its close still syncs.
  auto cleared = call.session->ClearWritten();
  storage::Status st = call.volume->Fsync(ino);
  if (!st.ok()) call.session->RestoreWritten(std::move(cleared));
  return st;
}

}  // namespace rpuffs::server
