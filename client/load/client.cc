#include "client/load/client.h"

#include <cstdio>

namespace rpuffs::load {
namespace {
constexpr int kMaxProblemLines = 10;
}  // namespace

Run::Run(LoadOptions o) : options(std::move(o)) { corruption_pending = options.inject_corruption; }

Run::~Run() = default;

Client::Client(uint32_t id, std::unique_ptr<Fs> fs, Run* run)
    : id_(id), fs_(std::move(fs)), run_(run), stats_(&run->counters) {}

void Client::LogProblem(const char* kind, const char* label, const std::string& what) {
  int n = run_->problems_logged.fetch_add(1);
  if (n < kMaxProblemLines) {
    std::fprintf(stderr, "rpuffs-load: %s: client %u %s: %s\n", kind, id_, label, what.c_str());
  }
}

void Client::Mismatch(const char* label, const std::string& what) {
  stats_.Mismatch(label);
  LogProblem("data mismatch", label, what);
}

void Client::Stale(const char* label, const std::string& what) {
  stats_.Stale(label);
  LogProblem("stale read", label, what);
}

void Client::StartPhase(const Phase& phase, std::function<void()> finished) {
  std::unique_lock<std::mutex> lock(mu_);
  phase_ = &phase;
  limit_ = phase.count ? phase.count(*this) : 0;
  next_ = 0;
  in_flight_ = 0;
  window_ = phase.window != 0 ? phase.window : run_->options.window;
  finished_ = false;
  on_finished_ = std::move(finished);
  Pump(lock);
}

bool Client::HasNextLocked() const {
  return next_ < limit_ && (phase_->always || !run_->stopped());
}

// Starts tasks until the window is full. Only one thread pumps at a time: a
// completion that arrives meanwhile (or inline, for PosixFs) just frees its
// slot and the pumping thread's loop refills it, so the stack stays flat.
void Client::Pump(std::unique_lock<std::mutex>& lock) {
  if (pumping_ || finished_) return;
  pumping_ = true;
  while (in_flight_ < window_ && HasNextLocked()) {
    ++in_flight_;
    uint64_t index = next_++;
    const Phase* phase = phase_;
    lock.unlock();
    phase->task(*this, index, [this] { TaskDone(); });
    lock.lock();
  }
  pumping_ = false;
  if (in_flight_ == 0 && !HasNextLocked()) {
    finished_ = true;
    auto done = std::move(on_finished_);
    on_finished_ = nullptr;
    lock.unlock();
    done();
    lock.lock();
  }
}

void Client::TaskDone() {
  std::unique_lock<std::mutex> lock(mu_);
  --in_flight_;
  Pump(lock);
}

}  // namespace rpuffs::load
