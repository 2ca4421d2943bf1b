// client/puffs — how long the event loop busy-polls before it sleeps.
//
// On this machine kind (a VM whose idle vCPUs halt at once), waking a thread
// that sleeps in epoll_wait costs tens of microseconds, and a FUSE request
// is a ping-pong: the application's next request typically arrives a few
// microseconds to a few tens after the reply. Polling epoll without
// sleeping for a short window catches it without the wake-up (memfs:
// 2.5x creates/s). The window starts at `max` and adapts, as the guest
// halt-poll governor does:
//  - an event caught within the window: a hit, the window stays;
//  - an event within `max` of the poll's start that the poll did not catch
//    in time (a longer poll would have; or a poll pass came back late from
//    sched_yield): the window doubles (from kGrowFrom), up to `max`;
//  - a later event, or a wait that timed out: the window halves, and under
//    kGrowFrom it is 0, so an idle or slow-paced loop spends no CPU polling.
// max = 0 turns polling off. Loop thread only; no system calls here.
#pragma once

#include <chrono>

namespace rpuffs::puffs {

class PollWindow {
 public:
  using Duration = std::chrono::nanoseconds;
  static constexpr Duration kGrowFrom = std::chrono::microseconds(4);

  explicit PollWindow(Duration max = Duration::zero()) { SetMax(max); }
  void SetMax(Duration max);
  Duration max() const { return max_; }
  // How long to poll before the next sleep.
  Duration current() const { return current_; }

  // Nothing was caught within the window; the event came `slept` after the
  // poll began (Duration::max() if the wait ended without one). A catch
  // within the window leaves it as it is: nothing to call.
  void OnSlept(Duration slept);

 private:
  Duration max_{0};
  Duration current_{0};
};

}  // namespace rpuffs::puffs
