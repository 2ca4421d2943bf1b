// RemoteVolume: the thread that keeps the session's lease alive while the
// mount is idle. It only starts a KeepAlive call every half lease (never two
// at once); an unknown session found this way is recovered like any other.
#include <spdlog/spdlog.h>

#include "client/remote/remote_volume.h"

namespace rpuffs::remote {

void RemoteVolume::KeepAliveLoop() {
  auto lease = hello_.lease_ms() > 0 ? std::chrono::milliseconds(hello_.lease_ms())
                                     : options_.default_lease;
  auto interval = std::max(lease / 2, std::chrono::milliseconds(100));
  std::unique_lock<std::mutex> lock(keepalive_mu_);
  while (!keepalive_cv_.wait_for(lock, interval, [this] { return closing_.load(); })) {
    if (keepalive_in_flight_.exchange(true)) continue;
    lock.unlock();
    Call(kKeepAlive, v1::KeepAliveRequest(), Done<v1::ErrReply>([this](int err, v1::ErrReply&) {
           if (err != 0) spdlog::debug("event=keepalive_failed errno={}", err);
           keepalive_in_flight_ = false;
         }));
    lock.lock();
  }
}

}  // namespace rpuffs::remote
