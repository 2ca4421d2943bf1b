#include "client/load/driver.h"

#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <random>
#include <thread>

#include "client/load/client.h"
#include "client/load/posix_fs.h"
#include "client/load/remote_fs.h"
#include "client/load/report.h"
#include "client/load/workload.h"

namespace rpuffs::load {
namespace {

constexpr auto kPoll = std::chrono::milliseconds(200);
constexpr uint64_t kProgressEveryNs = 1'000'000'000;

// The live line on a terminal: elapsed, calls/s since the last line, errors.
class Progress {
 public:
  explicit Progress(uint64_t start_ns)
      : start_(start_ns), last_(start_ns), tty_(isatty(STDERR_FILENO)) {}

  void Tick(const Run& run) {
    uint64_t now = NowNs();
    if (!tty_ || now - last_ < kProgressEveryNs) return;
    uint64_t calls = run.counters.ops.load();
    double rate =
        static_cast<double>(calls - last_calls_) / (static_cast<double>(now - last_) / 1e9);
    std::fprintf(stderr, "\r[%6.1fs] calls %10llu  %9.0f/s  errors %llu  mismatches %llu   ",
                 static_cast<double>(now - start_) / 1e9, static_cast<unsigned long long>(calls),
                 rate, static_cast<unsigned long long>(run.counters.errors.load()),
                 static_cast<unsigned long long>(run.counters.mismatches.load() +
                                                 run.counters.stale.load()));
    last_ = now;
    last_calls_ = calls;
    printed_ = true;
  }
  void Done() {
    if (printed_) std::fprintf(stderr, "\n");
  }

 private:
  uint64_t start_;
  uint64_t last_;
  uint64_t last_calls_ = 0;
  bool tty_;
  bool printed_ = false;
};

struct PhaseWait {
  std::mutex mu;
  std::condition_variable cv;
  size_t pending = 0;
};

// Starts `phase` on every client and waits for all of them, setting
// run.stop once the deadline passes.
void RunPhase(Run& run, const Phase& phase, uint64_t deadline_ns, Progress& progress) {
  auto wait = std::make_shared<PhaseWait>();
  wait->pending = run.clients.size();
  auto finished = [wait] {
    std::lock_guard<std::mutex> lock(wait->mu);
    if (--wait->pending == 0) wait->cv.notify_all();
  };
  bool blocking = !run.options.mounts.empty();
  std::vector<std::thread> threads;
  for (auto& c : run.clients) {
    Client* client = c.get();
    if (blocking) {
      threads.emplace_back([client, &phase, finished] { client->StartPhase(phase, finished); });
    } else {
      client->StartPhase(phase, finished);
    }
  }
  std::unique_lock<std::mutex> lock(wait->mu);
  while (wait->pending > 0) {
    wait->cv.wait_for(lock, kPoll);
    if (NowNs() >= deadline_ns) run.stop = true;
    progress.Tick(run);
  }
  lock.unlock();
  for (auto& t : threads) t.join();
}

bool MakeClients(Run& run, std::string* why) {
  const LoadOptions& o = run.options;
  for (const auto& dir : o.mounts) {
    if (!CheckMountDir(dir, why)) return false;
  }
  for (uint32_t i = 0; i < o.clients; ++i) {
    std::unique_ptr<Fs> fs;
    if (!o.mounts.empty()) {
      fs = std::make_unique<PosixFs>(o.mounts[i % o.mounts.size()]);
    } else if (!(fs = ConnectRemoteFs(o.server, o.token, why))) {
      *why = "client " + std::to_string(i) + ": " + *why;
      return false;
    }
    run.clients.push_back(std::make_unique<Client>(i, std::move(fs), &run));
  }
  return true;
}

std::string TopName() {
  std::random_device rd;
  char buf[64];
  std::snprintf(buf, sizeof buf, "rpuffs-load.%d.%08x", static_cast<int>(getpid()), rd());
  return buf;
}

Phase SetupPhase(bool* made) {
  return FirstClient("setup", [made](Client& c, uint64_t, TaskDone done) {
    Run& run = c.run();
    c.fs().Mkdir(c.fs().Root(), run.top_name,
                 c.Timed("setup.mkdir", NodeCb([&run, made, done](int err, Node n) {
                           if (err == 0) run.top = n;
                           *made = err == 0;
                           done();
                         })));
  });
}

Phase TeardownPhase() {
  return FirstClient(
      "teardown",
      [](Client& c, uint64_t, TaskDone done) {
        c.fs().Rmdir(c.fs().Root(), c.run().top_name,
                     c.Timed("teardown.rmdir", ErrCb([done](int) { done(); })));
      },
      true);
}

Summary Summarise(Run& run, double cap_s, uint64_t start_ns, uint64_t end_ns) {
  Summary s;
  s.options = &run.options;
  s.duration_cap_s = cap_s;
  s.elapsed_s = static_cast<double>(end_ns - start_ns) / 1e9;
  s.deadline_hit = run.stopped();
  std::vector<LabeledStats> tables;
  for (auto& c : run.clients) tables.push_back(c->stats().Snapshot());
  s.ops = MergeStats(tables);
  s.calls = run.counters.ops.load();
  s.errors = run.counters.errors.load();
  s.mismatches = run.counters.mismatches.load();
  s.stale = run.counters.stale.load();
  return s;
}

}  // namespace

int RunLoad(const LoadOptions& options) {
  std::string why;
  std::unique_ptr<Workload> workload = MakeWorkload(options, &why);
  if (!workload) {
    std::fprintf(stderr, "rpuffs-load: %s\n", why.c_str());
    return 2;
  }
  Run run(options);
  if (!MakeClients(run, &why)) {
    std::fprintf(stderr, "rpuffs-load: %s\n", why.c_str());
    return 1;
  }
  run.top_name = TopName();
  double cap_s = EffectiveDuration(options, workload->open_ended());
  uint64_t start = NowNs();
  uint64_t deadline = start + static_cast<uint64_t>(cap_s * 1e9);
  Progress progress(start);

  bool top_made = false;
  Phase setup = SetupPhase(&top_made);
  RunPhase(run, setup, deadline, progress);
  if (top_made) {
    for (const Phase& p : workload->Phases(run)) RunPhase(run, p, deadline, progress);
    RunPhase(run, TeardownPhase(), deadline, progress);
  } else {
    std::fprintf(stderr, "rpuffs-load: cannot create the run's directory %s\n",
                 run.top_name.c_str());
  }
  uint64_t end = NowNs();
  progress.Done();

  Summary summary = Summarise(run, cap_s, start, end);
  PrintTable(stdout, summary);
  std::fflush(stdout);
  int code = summary.clean() && top_made ? 0 : 1;
  if (!options.json_path.empty() && !WriteJson(options.json_path, summary, &why)) {
    std::fprintf(stderr, "rpuffs-load: %s\n", why.c_str());
    code = 1;
  }
  return code;
}

}  // namespace rpuffs::load
