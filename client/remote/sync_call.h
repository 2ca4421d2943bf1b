// client/remote — a blocking wrapper around RemoteVolume::Call, for tests and
// tools. CallSync() starts the call and waits for its completion on the
// calling thread; it returns the errno (0 on success) and fills *reply.
// Never call it on a thread that must not block (the mount's loop thread,
// a gRPC callback).
#pragma once

#include <future>

#include "client/remote/remote_volume.h"

namespace rpuffs::remote {

template <class Req, class Rep>
int CallSync(RemoteVolume& volume, const Rpc<Req, Rep>& rpc, Req req, Rep* reply = nullptr) {
  auto result = std::make_shared<std::promise<std::pair<int, Rep>>>();
  auto future = result->get_future();
  volume.Call(rpc, std::move(req), Done<Rep>([result](int err, Rep& rep) {
                result->set_value({err, std::move(rep)});
              }));
  auto [err, rep] = future.get();
  if (reply) *reply = std::move(rep);
  return err;
}

}  // namespace rpuffs::remote
