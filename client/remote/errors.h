// client/remote — the one place where wire outcomes become errno values.
//
// - A reply's `err` field: 0 stays 0, a known errno passes through, anything
//   else (negative, unknown) is EIO.
// - A failed gRPC status: EINTR when the caller cancelled (any code), EPROTO when the
//   reply could not be parsed, EIO otherwise; every EIO and EPROTO is logged
//   with the method and the gRPC code.
// - A reply that parsed but breaks the contract (say, a missing inode
//   number): ProtocolError() logs it and gives EPROTO.
// All functions are thread-safe (they only log).
#pragma once

#include <grpcpp/support/status.h>

#include <cstdint>
#include <string_view>

namespace rpuffs::remote {

int ErrnoFromReply(int32_t err);
int ErrnoFromStatus(const grpc::Status& status, std::string_view method, bool cancelled);
int ProtocolError(std::string_view method, std::string_view what);

}  // namespace rpuffs::remote
