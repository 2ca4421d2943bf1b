#include "client/remote/channel.h"

#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>
#include <grpcpp/support/channel_arguments.h>

namespace rpuffs::remote {

std::shared_ptr<grpc::Channel> MakeChannel(const std::string& target) {
  grpc::ChannelArguments args;
  // A 1 MiB Read reply plus its framing.
  args.SetMaxReceiveMessageSize(kMaxReceiveMessage);
  // The default backoff grows to 120 s and can leave a mount dead for two
  // minutes after a long outage; cap it at 1 s (STACK-NOTES §1.2).
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 100);
  args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 100);
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 1000);
  // HTTP/2 keepalive no more often than the server's default minimum ping
  // interval (5 min), and never without calls (the server does not permit
  // it): pinging faster earns a GOAWAY "too_many_pings" that fails every call
  // in flight. Liveness while idle comes from the session's KeepAlive RPC.
  args.SetInt(GRPC_ARG_KEEPALIVE_TIME_MS, 300000);
  args.SetInt(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, 20000);
  args.SetInt(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 0);
  // Our own retry loop covers every call (with the same idempotency key);
  // gRPC's transparent retries stay on for calls that never left.
  return grpc::CreateCustomChannel(target, grpc::InsecureChannelCredentials(), args);
}

}  // namespace rpuffs::remote
