// VolumeService: Hello, KeepAlive, Goodbye — opening, renewing and closing
// sessions.
#include <cerrno>

#include "server/convert.h"
#include "server/volume_service.h"
#include "server/volume_service_impl.h"

namespace rpuffs::server {
namespace {

constexpr uint32_t kProtocolVersion = 1;
constexpr char kDefaultVolume[] = "default";
constexpr size_t kMaxLoggedName = 64;  // names from the wire are cut to this in logs

// Compares without an early exit, so timing tells nothing about the content.
bool TokenMatches(const std::string& expected, const std::string& given) {
  if (expected.size() != given.size()) return false;
  unsigned char diff = 0;
  for (size_t i = 0; i < given.size(); ++i) diff |= static_cast<unsigned char>(given[i] ^ expected[i]);
  return diff == 0;
}

void FillLimits(uint32_t block_size, v1::VolumeLimits* limits) {
  limits->set_name_max(storage::kNameMax);
  limits->set_block_size(block_size);
  limits->set_max_io(storage::kMaxIo);
  limits->set_xattr_name_max(storage::kXattrNameMax);
  limits->set_xattr_value_max(storage::kXattrValueMax);
}

}  // namespace

grpc::ServerUnaryReactor* VolumeService::Hello(grpc::CallbackServerContext* ctx, const v1::HelloRequest* req,
                                               v1::HelloReply* rep) {
  grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
  Call counted;
  if (!Admit(&counted)) {
    reactor->Finish(grpc::Status(grpc::StatusCode::UNAVAILABLE, "server shutting down"));
    return reactor;
  }
  const std::string client = req->client_name().substr(0, kMaxLoggedName);
  if (!config_.token.empty() && !TokenMatches(config_.token, req->token())) {
    spdlog::warn("event=bad-token peer={} client={}", ctx->peer(), client);
    reactor->Finish(grpc::Status(grpc::StatusCode::UNAUTHENTICATED, "bad token"));
    return reactor;
  }
  const std::string volume = req->volume().empty() ? kDefaultVolume : req->volume();
  uint64_t session = 0;
  rep->set_err(AttachSession(*req, volume, &session));
  if (rep->err() == 0) {
    rep->set_session_id(session);
    rep->set_root_ino(storage::kRootIno);
    FillLimits(config_.block_size, rep->mutable_limits());
    rep->set_lease_ms(config_.lease_ms);
    rep->set_protocol_version(kProtocolVersion);
    rep->set_server_version(RPUFFS_VERSION);
    spdlog::info("event=session-open session={:x} volume={} client={} client_id={:x} resumed={} peer={}", session,
                 volume, client, req->client_id(), req->resume_session_id() != 0, ctx->peer());
  } else {
    spdlog::debug("event=hello-refused volume={} errno={} peer={}", volume.substr(0, kMaxLoggedName), rep->err(),
                  ctx->peer());
  }
  reactor->Finish(grpc::Status::OK);
  return reactor;
}

int VolumeService::AttachSession(const v1::HelloRequest& req, const std::string& volume_name, uint64_t* session) {
  if (req.protocol_version() != kProtocolVersion) return EPROTONOSUPPORT;
  storage::Volume* volume = store_->Find(volume_name);
  if (volume == nullptr) return ENOENT;
  if (req.resume_session_id() != 0) {
    if (!sessions_->Resume(req.resume_session_id(), volume_name)) return ESTALE;
    *session = req.resume_session_id();
    return 0;
  }
  storage::Result<uint64_t> created = sessions_->Create(volume_name, volume);
  if (created.ok()) *session = created.value();
  return WireErrno("hello", created.status());
}

grpc::ServerUnaryReactor* VolumeService::KeepAlive(grpc::CallbackServerContext* ctx,
                                                   const v1::KeepAliveRequest* req, v1::ErrReply* rep) {
  // Begin() has renewed the lease; nothing else to do.
  return Inline(ctx, req, [rep](Call&) {
    rep->set_err(0);
    return grpc::Status::OK;
  });
}

grpc::ServerUnaryReactor* VolumeService::Goodbye(grpc::CallbackServerContext* ctx,
                                                 const v1::GoodbyeRequest* req, v1::ErrReply* rep) {
  return Inline(ctx, req, [this, rep](Call& call) {
    uint64_t id = call.session->id();
    std::string volume = call.session->volume_name();
    call.session = SessionRef();
    grpc::Status st = Answer("goodbye", sessions_->Close(id), rep);
    spdlog::info("event=session-close session={:x} volume={}", id, volume);
    return st;
  });
}

}  // namespace rpuffs::server
