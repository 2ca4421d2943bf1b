// client/puffs — the one event loop: epoll over every fd the daemon watches.
//
// Any fd can join with a callback (the FUSE channel, framed-I/O sockets, an
// eventfd fed by another library's threads). A timerfd carries the timers,
// a signalfd the termination signals, and continuations queued with
// Continuation::Schedule() run at the start of every iteration. Run() runs
// the loop itself inside a continuation, as puffs does, so callbacks may
// resume request continuations (Continuation::Continue) directly.
//
// Threading: everything here is loop-thread only, except Wake() and Post(),
// which any thread may call. Callbacks run on the loop thread and must not
// block. Only SleepUntil()/SleepFor() suspend (the calling continuation).
//
// System calls per wake-up: the wake eventfd is watched edge-triggered, so
// the loop never reads it; Post() writes it only when the loop is (about
// to be) waiting in epoll, so work handed over while the loop is busy costs
// no system call on either side. Before it sleeps, the loop may poll epoll
// for a short adaptive window (SetPollWindow), so that a request arriving
// right after a reply costs no wake-up.
#pragma once

#include <sys/epoll.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "client/puffs/poll_window.h"
#include "client/puffs/stack_pool.h"

namespace rpuffs::puffs {

// Blocks SIGTERM, SIGINT and SIGHUP in the calling thread; threads it
// creates afterwards inherit the mask, so the signals stay pending for the
// loop's signalfd instead of killing the process from a library's thread
// (pitfall 8). Daemonize() calls it in the child. Returns 0 or an errno.
int BlockTerminationSignals();

class EventLoop {
 public:
  using Clock = std::chrono::steady_clock;
  using FdCallback = std::function<void(uint32_t events)>;
  using TimerId = uint64_t;

  // Throws std::system_error if epoll, timerfd or eventfd cannot be created.
  EventLoop();
  ~EventLoop();
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  // The loop running (Run/RunOnce) on this thread, or nullptr.
  static EventLoop* Current();

  // Watches `fd` for `events` (EPOLLIN, EPOLLOUT, ...). The loop does not own
  // the fd. Returns 0 or an errno (EEXIST if already watched).
  int AddFd(int fd, uint32_t events, FdCallback cb);
  // Changes the watched events; returns 0 or an errno (ENOENT if not watched).
  int ModifyFd(int fd, uint32_t events);
  // Stops watching; safe from inside that fd's own callback. 0 or an errno.
  int RemoveFd(int fd);
  bool HasFd(int fd) const { return fds_.count(fd) != 0; }
  // The events currently watched on fd (0 if not watched).
  uint32_t WatchedEvents(int fd) const;

  // Runs `cb` on the loop thread once `deadline` has passed.
  TimerId AddTimer(Clock::time_point deadline, std::function<void()> cb);
  // Returns false if the timer already ran or never existed.
  bool CancelTimer(TimerId id);
  size_t TimerCount() const { return timers_.size(); }

  // REQUIRES: inside a continuation. Suspends it until `deadline`. Returns 0
  // at the deadline, or EINTR if the continuation was resumed earlier by
  // someone else (e.g. scheduled from an interrupt callback).
  int SleepUntil(Clock::time_point deadline);
  int SleepFor(Clock::duration d) { return SleepUntil(Clock::now() + d); }

  // Blocks SIGTERM, SIGINT and SIGHUP in the calling thread (threads created
  // afterwards inherit that) and delivers them to `cb` through a signalfd.
  // Returns 0 or an errno.
  int HandleSignals(std::function<void(int signo)> cb);

  // `fn` runs once per loop iteration (puffs's loop function).
  void SetLoopFunction(std::function<void()> fn) { loop_fn_ = std::move(fn); }
  // The loop never waits longer than `timeout` (0 = no bound), so the loop
  // function runs at least that often.
  void SetLoopTimeout(std::chrono::milliseconds timeout) { loop_timeout_ = timeout; }
  // Before sleeping in epoll the loop polls it for up to `max` (adaptive:
  // poll_window.h); 0 = never poll. Default 0.
  void SetPollWindow(std::chrono::microseconds max) { poll_.SetMax(max); }
  std::chrono::microseconds poll_window_max() const {
    return std::chrono::duration_cast<std::chrono::microseconds>(poll_.max());
  }
  PollWindow::Duration poll_window_current() const { return poll_.current(); }

  // Runs the loop inside a continuation with a stack from `pool` until Stop().
  // Returns 0, or EIO if the loop body threw (logged).
  int Run(StackPool& pool);
  // One iteration, waiting at most `timeout_ms` (-1 = until something
  // happens). For tests and for callers that drive the loop themselves.
  void RunOnce(int timeout_ms);
  // Makes Run() return after the current iteration. Loop thread only.
  void Stop() { stop_ = true; }
  bool stopped() const { return stop_; }
  // Any thread: interrupts a wait in epoll (e.g. after queuing work).
  void Wake();
  // Any thread: `fn` runs on the loop thread, in order of posting, in the
  // loop's current or next iteration, after its epoll_wait (which does not
  // block while functions are queued). Meant for completions
  // from other libraries' threads (it may Continue() a continuation). Wakes
  // the loop only if it is waiting; functions still queued when the loop is
  // destroyed are dropped without running.
  void Post(std::function<void()> fn);
  // Functions Post() has queued that have not run yet (any thread).
  size_t PostedCount() const;
  // How many times Post() had to write the wake eventfd (for tests/benches).
  uint64_t PostWakeups() const { return post_wakeups_.load(std::memory_order_relaxed); }

 private:
  struct Timer {
    TimerId id;
    std::function<void()> cb;
  };
  void CloseFds();
  void ArmTimerFd();
  void OnTimerFd();
  void OnSignalFd();
  int WaitTimeoutMs(int requested) const;
  void RunPosted();
  // Before/after epoll_wait: whether Post() must wake the loop.
  bool EnterWait();
  void LeaveWait();
  // Polls epoll (and the posted queue) from `from` for up to
  // poll_.current(), and no longer than wait_ms if that is positive: the
  // number of events found, 0 if none (or if something was posted).
  int Poll(epoll_event* events, int max_events, int wait_ms, Clock::time_point from);

  int epfd_ = -1;
  int timerfd_ = -1;
  int wakefd_ = -1;
  int sigfd_ = -1;
  bool stop_ = false;
  std::unordered_map<int, std::pair<uint32_t, std::shared_ptr<FdCallback>>> fds_;
  std::multimap<Clock::time_point, Timer> timers_;
  std::unordered_map<TimerId, std::multimap<Clock::time_point, Timer>::iterator> timer_index_;
  TimerId next_timer_ = 1;
  std::function<void()> loop_fn_;
  std::chrono::milliseconds loop_timeout_{0};
  std::function<void(int)> signal_cb_;
  PollWindow poll_;

  mutable std::mutex post_mu_;
  std::vector<std::function<void()>> posted_;  // GUARDED_BY(post_mu_)
  // posted_ may be non-empty. With waiting_ it forms a Dekker pair (both
  // seq_cst): a Post() either sees the loop waiting and wakes it, or the
  // loop sees the post before it waits. Neither needs the mutex.
  std::atomic<bool> has_posted_{false};
  std::atomic<bool> waiting_{false};    // the loop is in (or entering) epoll_wait
  std::atomic<bool> wake_sent_{false};  // one eventfd write per wait
  std::atomic<uint64_t> post_wakeups_{0};
};

}  // namespace rpuffs::puffs
