#include "client/remote/errors.h"

#include <cerrno>

#include <spdlog/spdlog.h>

namespace rpuffs::remote {
namespace {
constexpr int32_t kMaxErrno = 4095;  // Linux's MAX_ERRNO
}

int ErrnoFromReply(int32_t err) {
  if (err == 0) return 0;
  if (err < 0 || err > kMaxErrno) {
    spdlog::warn("event=unknown_errno err={}", err);
    return EIO;
  }
  return err;
}

int ErrnoFromStatus(const grpc::Status& status, std::string_view method, bool cancelled) {
  if (status.ok()) return 0;
  // Whatever else went wrong, the caller had given up on this call.
  if (cancelled) return EINTR;
  // gRPC reports a reply it could not deserialize as INTERNAL with protobuf's
  // (empty for proto3) initialization error or "No payload".
  if (status.error_code() == grpc::StatusCode::INTERNAL &&
      (status.error_message().empty() || status.error_message() == "No payload")) {
    spdlog::error("event=rpc_unparsable method={} code={}", method, status.error_code());
    return EPROTO;
  }
  spdlog::error("event=rpc_failed method={} code={} msg=\"{}\"", method, status.error_code(),
                status.error_message());
  return EIO;
}

int ProtocolError(std::string_view method, std::string_view what) {
  spdlog::error("event=protocol_error method={} what=\"{}\"", method, what);
  return EPROTO;
}

}  // namespace rpuffs::remote
