// Client's phase machine: every task runs once, at most `window` in flight,
// `finished` once; inline completions keep the stack flat; the stop flag
// ends open-ended phases but not cleanup phases.
#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#include "client/load/client.h"

namespace rpuffs::load {
namespace {

struct Fixture {
  Fixture() : run(LoadOptions{}) { run.options.window = 8; }
  Run run;
  Client client{0, nullptr, &run};
};

TEST(ClientPhase, InlineCompletionsRunEveryTaskOnceWithAFlatStack) {
  Fixture f;
  constexpr uint64_t kTasks = 300000;  // recursion this deep would overflow the stack
  std::vector<char> seen(kTasks, 0);
  int finished = 0;
  Phase p = {"inline", [](Client&) { return kTasks; },
             [&](Client&, uint64_t i, TaskDone done) {
               ++seen[i];
               done();
             }};
  f.client.StartPhase(p, [&] { ++finished; });
  EXPECT_EQ(finished, 1);
  for (uint64_t i = 0; i < kTasks; ++i) ASSERT_EQ(seen[i], 1) << i;
}

// Completions from another thread, as gRPC delivers them.
class Completer {
 public:
  Completer() : thread_([this] { Loop(); }) {}
  ~Completer() {
    {
      std::lock_guard<std::mutex> l(mu_);
      quit_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }
  void Post(TaskDone done) {
    {
      std::lock_guard<std::mutex> l(mu_);
      queue_.push_back(std::move(done));
    }
    cv_.notify_all();
  }

 private:
  void Loop() {
    std::unique_lock<std::mutex> l(mu_);
    while (true) {
      cv_.wait(l, [&] { return quit_ || !queue_.empty(); });
      if (queue_.empty()) return;
      TaskDone d = std::move(queue_.front());
      queue_.pop_front();
      l.unlock();
      d();
      l.lock();
    }
  }
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<TaskDone> queue_;
  bool quit_ = false;
  std::thread thread_;
};

struct Waiter {
  std::mutex mu;
  std::condition_variable cv;
  int finished = 0;
  void Finish() {
    std::lock_guard<std::mutex> l(mu);
    ++finished;
    cv.notify_all();
  }
  bool WaitDone() {
    std::unique_lock<std::mutex> l(mu);
    return cv.wait_for(l, std::chrono::seconds(30), [&] { return finished > 0; });
  }
};

TEST(ClientPhase, AsyncCompletionsKeepAtMostWindowInFlight) {
  Fixture f;
  Completer completer;
  std::atomic<int> in_flight{0}, max_in_flight{0}, ran{0};
  Phase p = {"async", [](Client&) { return uint64_t{5000}; },
             [&](Client&, uint64_t, TaskDone done) {
               int now = ++in_flight;
               int prev = max_in_flight.load();
               while (now > prev && !max_in_flight.compare_exchange_weak(prev, now)) {
               }
               ++ran;
               completer.Post([&in_flight, done] {
                 --in_flight;
                 done();
               });
             }};
  Waiter w;
  f.client.StartPhase(p, [&] { w.Finish(); });
  ASSERT_TRUE(w.WaitDone());
  EXPECT_EQ(ran.load(), 5000);
  EXPECT_LE(max_in_flight.load(), 8);
  EXPECT_GE(max_in_flight.load(), 1);
  EXPECT_EQ(w.finished, 1);
}

TEST(ClientPhase, StopEndsOpenEndedPhasesButNotCleanup) {
  Fixture f;
  Completer completer;
  std::atomic<uint64_t> ran{0};
  Phase endless = {"endless", [](Client&) { return kUnlimited; },
                   [&](Client& c, uint64_t i, TaskDone done) {
                     if (++ran == 1000) c.run().stop = true;
                     completer.Post(done);
                   }};
  Waiter w;
  f.client.StartPhase(endless, [&] { w.Finish(); });
  ASSERT_TRUE(w.WaitDone());
  EXPECT_GE(ran.load(), 1000u);
  EXPECT_LE(ran.load(), 1000u + 8);

  uint64_t cleaned = 0;
  Phase cleanup = {"cleanup", [](Client&) { return uint64_t{50}; },
                   [&](Client&, uint64_t, TaskDone done) {
                     ++cleaned;
                     done();
                   },
                   true};
  int finished = 0;
  f.client.StartPhase(cleanup, [&] { ++finished; });
  EXPECT_EQ(cleaned, 50u);
  EXPECT_EQ(finished, 1);
}

TEST(ClientPhase, EmptyPhaseFinishesAtOnce) {
  Fixture f;
  int finished = 0;
  Phase p = {"none", [](Client&) { return uint64_t{0}; },
             [](Client&, uint64_t, TaskDone) { FAIL() << "no task expected"; }};
  f.client.StartPhase(p, [&] { ++finished; });
  EXPECT_EQ(finished, 1);
}

}  // namespace
}  // namespace rpuffs::load
