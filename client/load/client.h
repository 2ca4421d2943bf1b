// client/load — one load client: its Fs (a RemoteVolume session or a
// mounted directory), its statistics, and the small state machine that keeps
// up to `window` tasks of a phase in flight.
//
// A phase is a number of independent tasks per client (create file i, read
// file i, ...); a task is a short chain of Fs calls ending in `done()`.
// StartPhase() starts the first tasks; each completion starts the next one
// from whatever thread it ran on (a gRPC thread for RemoteFs; inline for
// PosixFs, where the loop below keeps the stack flat), and `finished` runs
// once when the last task is done. After Run::stop is set only phases marked
// `always` (cleanup) start new tasks.
//
// Thread-safe: completions of one client run concurrently on gRPC threads.
// Nothing here blocks except a short mutex.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "client/load/fs.h"
#include "client/load/op_stats.h"
#include "client/load/run.h"

namespace rpuffs::load {

class Client;
using TaskDone = std::function<void()>;
using Task = std::function<void(Client& c, uint64_t index, TaskDone done)>;
constexpr uint64_t kUnlimited = UINT64_MAX;

struct Phase {
  const char* name = "";
  std::function<uint64_t(Client&)> count;  // tasks for this client (kUnlimited: until stop)
  Task task;
  bool always = false;  // cleanup: runs even after the deadline
  uint32_t window = 0;  // 0: --window
};

class Client {
 public:
  Client(uint32_t id, std::unique_ptr<Fs> fs, Run* run);
  uint32_t id() const { return id_; }
  Fs& fs() { return *fs_; }
  Run& run() { return *run_; }
  const Run& run() const { return *run_; }
  StatsTable& stats() { return stats_; }

  // Wraps a completion so that it records the call's latency, errno and
  // payload under `label` (a string literal) before running `cb`.
  template <class... A>
  std::function<void(int, A...)> Timed(const char* label, std::function<void(int, A...)> cb) {
    uint64_t start = NowNs();
    return [this, label, start, cb = std::move(cb)](int err, A... args) {
      stats_.Record(label, start, NowNs(), err, PayloadOf(args...));
      cb(err, std::move(args)...);
    };
  }

  // A read that returned the wrong bytes / an older version than promised.
  void Mismatch(const char* label, const std::string& what);
  void Stale(const char* label, const std::string& what);

  void StartPhase(const Phase& phase, std::function<void()> finished);

 private:
  static uint64_t PayloadOf() { return 0; }
  static uint64_t PayloadOf(const std::string& data) { return data.size(); }
  static uint64_t PayloadOf(const Written& w) { return w.bytes; }
  template <class... A>
  static uint64_t PayloadOf(const A&...) {
    return 0;
  }

  bool HasNextLocked() const;
  void Pump(std::unique_lock<std::mutex>& lock);
  void TaskDone();
  void LogProblem(const char* kind, const char* label, const std::string& what);

  uint32_t id_;
  std::unique_ptr<Fs> fs_;
  Run* run_;
  StatsTable stats_;

  std::mutex mu_;
  const Phase* phase_ = nullptr;
  uint64_t limit_ = 0;
  uint64_t next_ = 0;
  uint64_t in_flight_ = 0;
  uint32_t window_ = 1;
  bool pumping_ = false;
  bool finished_ = true;
  std::function<void()> on_finished_;
};

}  // namespace rpuffs::load
