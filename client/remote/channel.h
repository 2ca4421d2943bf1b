// client/remote — the one gRPC channel a RemoteVolume talks through.
//
// MakeChannel() builds an insecure channel to `target` with the arguments
// every rpuffs client uses (see channel.cc for why each one). The channel is
// lazy: nothing connects before the first call. Thread-safe.
// Never call it before a fork() the process still has to make.
#pragma once

#include <grpcpp/channel.h>

#include <memory>
#include <string>

namespace rpuffs::remote {

constexpr int kMaxIo = 1 << 20;                       // largest Read/Write payload
constexpr int kMaxReceiveMessage = kMaxIo + (64 << 10);

std::shared_ptr<grpc::Channel> MakeChannel(const std::string& target);

}  // namespace rpuffs::remote
