#include "client/puffs/event_loop.h"

#include <sched.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <system_error>
#include <vector>

#include <spdlog/spdlog.h>

#include "client/puffs/continuation.h"

namespace rpuffs::puffs {
namespace {

thread_local EventLoop* t_loop = nullptr;

// Sets t_loop for the duration of a loop iteration (loops may nest in tests).
class CurrentLoop {
 public:
  explicit CurrentLoop(EventLoop* loop) : saved_(t_loop) { t_loop = loop; }
  ~CurrentLoop() { t_loop = saved_; }

 private:
  EventLoop* saved_;
};

void ReadCounter(int fd) {
  uint64_t value;
  while (read(fd, &value, sizeof value) == sizeof value) {
  }
}

void TerminationSignals(sigset_t* set) {
  sigemptyset(set);
  for (int sig : {SIGTERM, SIGINT, SIGHUP}) sigaddset(set, sig);
}

}  // namespace

EventLoop::EventLoop() {
  epfd_ = epoll_create1(EPOLL_CLOEXEC);
  timerfd_ = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
  wakefd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (epfd_ < 0 || timerfd_ < 0 || wakefd_ < 0) {
    int err = errno;
    CloseFds();
    throw std::system_error(err, std::generic_category(), "event loop set-up");
  }
  AddFd(timerfd_, EPOLLIN, [this](uint32_t) { OnTimerFd(); });
  // Edge-triggered: every write reports once, so the counter is never read
  // (it would take 2^64 wakes to fill it).
  AddFd(wakefd_, EPOLLIN | EPOLLET, [](uint32_t) {});
}

EventLoop::~EventLoop() { CloseFds(); }

void EventLoop::CloseFds() {
  for (int fd : {sigfd_, wakefd_, timerfd_, epfd_}) {
    if (fd >= 0) close(fd);
  }
  sigfd_ = wakefd_ = timerfd_ = epfd_ = -1;
}

EventLoop* EventLoop::Current() { return t_loop; }

int EventLoop::AddFd(int fd, uint32_t events, FdCallback cb) {
  if (fds_.count(fd)) return EEXIST;
  epoll_event ev{};
  ev.events = events;
  ev.data.fd = fd;
  if (epoll_ctl(epfd_, EPOLL_CTL_ADD, fd, &ev) != 0) return errno;
  fds_[fd] = {events, std::make_shared<FdCallback>(std::move(cb))};
  return 0;
}

int EventLoop::ModifyFd(int fd, uint32_t events) {
  auto it = fds_.find(fd);
  if (it == fds_.end()) return ENOENT;
  if (it->second.first == events) return 0;
  epoll_event ev{};
  ev.events = events;
  ev.data.fd = fd;
  if (epoll_ctl(epfd_, EPOLL_CTL_MOD, fd, &ev) != 0) return errno;
  it->second.first = events;
  return 0;
}

int EventLoop::RemoveFd(int fd) {
  auto it = fds_.find(fd);
  if (it == fds_.end()) return ENOENT;
  fds_.erase(it);
  if (epoll_ctl(epfd_, EPOLL_CTL_DEL, fd, nullptr) != 0) return errno;
  return 0;
}

uint32_t EventLoop::WatchedEvents(int fd) const {
  auto it = fds_.find(fd);
  return it == fds_.end() ? 0 : it->second.first;
}

EventLoop::TimerId EventLoop::AddTimer(Clock::time_point deadline, std::function<void()> cb) {
  TimerId id = next_timer_++;
  auto it = timers_.emplace(deadline, Timer{id, std::move(cb)});
  timer_index_[id] = it;
  if (it == timers_.begin()) ArmTimerFd();
  return id;
}

bool EventLoop::CancelTimer(TimerId id) {
  auto it = timer_index_.find(id);
  if (it == timer_index_.end()) return false;
  bool was_first = it->second == timers_.begin();
  timers_.erase(it->second);
  timer_index_.erase(it);
  if (was_first) ArmTimerFd();
  return true;
}

void EventLoop::ArmTimerFd() {
  itimerspec spec{};
  if (!timers_.empty()) {
    auto delta = timers_.begin()->first - Clock::now();
    auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(delta).count();
    if (ns < 1) ns = 1;  // 0 would disarm: fire as soon as possible instead
    spec.it_value.tv_sec = ns / 1000000000;
    spec.it_value.tv_nsec = ns % 1000000000;
  }
  timerfd_settime(timerfd_, 0, &spec, nullptr);
}

void EventLoop::OnTimerFd() {
  ReadCounter(timerfd_);
  // Run only what is due now; callbacks may add or cancel timers.
  const auto now = Clock::now();
  while (!timers_.empty() && timers_.begin()->first <= now) {
    auto it = timers_.begin();
    std::function<void()> cb = std::move(it->second.cb);
    timer_index_.erase(it->second.id);
    timers_.erase(it);
    cb();
  }
  ArmTimerFd();
}

int EventLoop::SleepUntil(Clock::time_point deadline) {
  Continuation* me = Continuation::Current();
  if (me == nullptr) return EINVAL;
  bool fired = false;
  TimerId id = AddTimer(deadline, [me, &fired] {
    fired = true;
    Continuation::Continue(me);
  });
  // Cancels the timer however this frame ends: resumed early by someone
  // else, or unwound because the continuation is being destroyed.
  struct CancelOnExit {
    EventLoop* loop;
    TimerId id;
    ~CancelOnExit() { loop->CancelTimer(id); }
  } cancel{this, id};
  Continuation::Yield();
  return fired ? 0 : EINTR;
}

int BlockTerminationSignals() {
  sigset_t set;
  TerminationSignals(&set);
  return pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

int EventLoop::HandleSignals(std::function<void(int)> cb) {
  if (int err = BlockTerminationSignals(); err != 0) return err;
  if (sigfd_ < 0) {
    sigset_t set;
    TerminationSignals(&set);
    sigfd_ = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
    if (sigfd_ < 0) return errno;
    if (int err = AddFd(sigfd_, EPOLLIN, [this](uint32_t) { OnSignalFd(); }); err != 0) return err;
  }
  signal_cb_ = std::move(cb);
  return 0;
}

void EventLoop::OnSignalFd() {
  signalfd_siginfo info;
  while (read(sigfd_, &info, sizeof info) == sizeof info) {
    spdlog::debug("loop: signal={}", static_cast<int>(info.ssi_signo));
    if (signal_cb_) signal_cb_(static_cast<int>(info.ssi_signo));
  }
}

void EventLoop::Wake() {
  uint64_t one = 1;
  ssize_t n = write(wakefd_, &one, sizeof one);
  (void)n;  // EAGAIN only with a saturated counter: a wake is pending anyway
}

void EventLoop::Post(std::function<void()> fn) {
  {
    std::lock_guard<std::mutex> lock(post_mu_);
    posted_.push_back(std::move(fn));
    has_posted_.store(true);
  }
  if (waiting_.load() && !wake_sent_.exchange(true)) {
    post_wakeups_.fetch_add(1, std::memory_order_relaxed);
    Wake();
  }
}

size_t EventLoop::PostedCount() const {
  std::lock_guard<std::mutex> lock(post_mu_);
  return posted_.size();
}

void EventLoop::RunPosted() {
  // Most iterations have nothing posted: no lock then. A Post() racing
  // with this check is caught by the next EnterWait().
  if (!has_posted_.load()) return;
  std::vector<std::function<void()>> batch;
  {
    std::lock_guard<std::mutex> lock(post_mu_);
    batch.swap(posted_);
    has_posted_.store(false);
  }
  for (auto& fn : batch) fn();
}

bool EventLoop::EnterWait() {
  wake_sent_.store(false);
  waiting_.store(true);
  if (has_posted_.load()) {  // posted since RunPosted(): do not wait
    waiting_.store(false);
    return false;
  }
  return true;
}

void EventLoop::LeaveWait() { waiting_.store(false); }

int EventLoop::WaitTimeoutMs(int requested) const {
  if (Continuation::HasScheduled()) return 0;
  int bound = static_cast<int>(loop_timeout_.count());
  if (bound <= 0) return requested;
  return requested < 0 ? bound : std::min(requested, bound);
}

void EventLoop::RunOnce(int timeout_ms) {
  CurrentLoop current(this);
  Continuation::RunScheduled();
  if (loop_fn_) loop_fn_();
  if (stop_) return;
  epoll_event events[64];
  int wait_ms = WaitTimeoutMs(timeout_ms);
  // Posted functions run after the wait (so RunOnce returns once they ran).
  // The poll watches for them itself (Post() writes no eventfd meanwhile);
  // then EnterWait() turns the wait into a poll if any are queued, and a
  // Post() during the wait writes the eventfd.
  const Clock::time_point idle_from = wait_ms != 0 ? Clock::now() : Clock::time_point();
  int n = wait_ms != 0 ? Poll(events, 64, wait_ms, idle_from) : 0;
  if (n == 0) {
    const bool waits = wait_ms != 0 && !has_posted_.load() && EnterWait();
    n = epoll_wait(epfd_, events, 64, waits ? wait_ms : 0);
    if (waits) {
      LeaveWait();
      // How long after the poll began the event came (a poll that yielded
      // may have ended late); a wait that timed out found nothing to catch,
      // however short it was (a loop timeout below the window must not keep
      // the loop polling).
      poll_.OnSlept(n > 0 ? Clock::now() - idle_from : PollWindow::Duration::max());
    }
  }
  for (int i = 0; i < n; ++i) {
    auto it = fds_.find(events[i].data.fd);
    if (it == fds_.end()) continue;  // removed by an earlier callback
    std::shared_ptr<FdCallback> cb = it->second.second;
    (*cb)(events[i].events);
  }
  RunPosted();
  Continuation::RunScheduled();
}

int EventLoop::Poll(epoll_event* events, int max_events, int wait_ms, Clock::time_point from) {
  PollWindow::Duration window = poll_.current();
  if (wait_ms > 0) window = std::min<PollWindow::Duration>(window, std::chrono::milliseconds(wait_ms));
  if (window <= PollWindow::Duration::zero()) return 0;
  const Clock::time_point until = from + window;
  // Found something: a catch only within the window. A pass that yielded
  // the CPU may come back much later (other threads ran), and what it finds
  // then says nothing for polling: counted as a sleep of that length.
  auto found = [&] {
    PollWindow::Duration waited = Clock::now() - from;
    if (waited > window) poll_.OnSlept(waited);
  };
  do {
    if (has_posted_.load()) {
      found();
      return 0;
    }
    int n = epoll_wait(epfd_, events, max_events, 0);
    if (n != 0) {
      found();
      return n;
    }
    // A thread that shares this CPU (often the very application whose
    // next request we wait for) runs now instead of waiting for us.
    sched_yield();
  } while (Clock::now() < until);
  return 0;
}

int EventLoop::Run(StackPool& pool) {
  stop_ = false;
  auto loop_cc = Continuation::Create(pool, [this] {
    while (!stop_) RunOnce(-1);
  });
  // The loop body never yields on its own; if a callback yields it by
  // mistake, resume it rather than lose the loop.
  while (!loop_cc->finished()) Continuation::Continue(loop_cc.get());
  if (auto ex = loop_cc->TakeException()) {
    try {
      std::rethrow_exception(ex);
    } catch (const std::exception& e) {
      spdlog::error("loop: exception what=\"{}\"", e.what());
    } catch (...) {
      spdlog::error("loop: non-standard exception");
    }
    return EIO;
  }
  return 0;
}

}  // namespace rpuffs::puffs
