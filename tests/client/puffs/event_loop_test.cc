#include "client/puffs/event_loop.h"

#include <sys/eventfd.h>
#include <unistd.h>

#include <atomic>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "client/puffs/continuation.h"

namespace rpuffs::puffs {
namespace {

using Clock = EventLoop::Clock;
using std::chrono::milliseconds;

// Runs loop iterations until `pred` or 5 s (a deadline, not a sleep).
template <typename Pred>
bool RunUntil(EventLoop& loop, Pred pred) {
  auto deadline = Clock::now() + std::chrono::seconds(5);
  while (!pred() && Clock::now() < deadline) loop.RunOnce(50);
  return pred();
}

TEST(EventLoopTest, TimersFireInDeadlineOrderAndCancelWorks) {
  EventLoop loop;
  std::vector<int> fired;
  auto now = Clock::now();
  loop.AddTimer(now + milliseconds(30), [&] { fired.push_back(3); });
  loop.AddTimer(now + milliseconds(10), [&] { fired.push_back(1); });
  auto cancelled = loop.AddTimer(now + milliseconds(20), [&] { fired.push_back(2); });
  EXPECT_TRUE(loop.CancelTimer(cancelled));
  EXPECT_FALSE(loop.CancelTimer(cancelled));
  ASSERT_TRUE(RunUntil(loop, [&] { return fired.size() == 2; }));
  EXPECT_EQ(fired, (std::vector<int>{1, 3}));
  EXPECT_GE(Clock::now() - now, milliseconds(30));
  EXPECT_EQ(loop.TimerCount(), 0u);
}

TEST(EventLoopTest, ContinuationSleepsUntilItsDeadline) {
  EventLoop loop;
  StackPool pool;
  int rc = -1;
  bool done = false;
  auto start = Clock::now();
  Continuation::Continue(Continuation::Spawn(pool, [&] {
    rc = loop.SleepFor(milliseconds(20));
    done = true;
  }));
  EXPECT_FALSE(done);
  ASSERT_TRUE(RunUntil(loop, [&] { return done; }));
  EXPECT_EQ(rc, 0);
  EXPECT_GE(Clock::now() - start, milliseconds(20));
}

TEST(EventLoopTest, SleepWokenEarlyReturnsEINTR) {
  EventLoop loop;
  StackPool pool;
  int rc = -1;
  Continuation* cc = Continuation::Spawn(pool, [&] { rc = loop.SleepFor(std::chrono::hours(1)); });
  Continuation::Continue(cc);
  EXPECT_EQ(loop.TimerCount(), 1u);
  Continuation::Schedule(cc);
  ASSERT_TRUE(RunUntil(loop, [&] { return rc != -1; }));
  EXPECT_EQ(rc, EINTR);
  EXPECT_EQ(loop.TimerCount(), 0u);
}

TEST(EventLoopTest, DestroyingASleeperCancelsItsTimer) {
  EventLoop loop;
  StackPool pool;
  auto cc = Continuation::Create(pool, [&] { loop.SleepFor(std::chrono::hours(1)); });
  Continuation::Continue(cc.get());
  EXPECT_EQ(loop.TimerCount(), 1u);
  cc.reset();
  EXPECT_EQ(loop.TimerCount(), 0u);
}

TEST(EventLoopTest, FdCallbackRunsAndCanRemoveItself) {
  EventLoop loop;
  int efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  ASSERT_GE(efd, 0);
  int calls = 0;
  ASSERT_EQ(loop.AddFd(efd, EPOLLIN, [&](uint32_t events) {
              ++calls;
              EXPECT_TRUE(events & EPOLLIN);
              EXPECT_EQ(loop.RemoveFd(efd), 0);
            }),
            0);
  EXPECT_EQ(loop.AddFd(efd, EPOLLIN, [](uint32_t) {}), EEXIST);
  EXPECT_EQ(loop.WatchedEvents(efd), static_cast<uint32_t>(EPOLLIN));
  uint64_t one = 1;
  ASSERT_EQ(write(efd, &one, sizeof one), 8);
  ASSERT_TRUE(RunUntil(loop, [&] { return calls > 0; }));
  loop.RunOnce(0);  // still readable, but no longer watched
  EXPECT_EQ(calls, 1);
  EXPECT_FALSE(loop.HasFd(efd));
  EXPECT_EQ(loop.ModifyFd(efd, EPOLLIN), ENOENT);
  close(efd);
}

TEST(EventLoopTest, WakeFromAnotherThreadEndsAWait) {
  EventLoop loop;
  std::thread t([&] { loop.Wake(); });
  loop.RunOnce(-1);  // returns only because of the wake
  t.join();
  SUCCEED();
}

TEST(EventLoopTest, EachWakeEndsOneWaitAlthoughTheCounterIsNeverRead) {
  EventLoop loop;
  for (int i = 0; i < 3; ++i) {
    std::thread t([&] { loop.Wake(); });
    loop.RunOnce(-1);  // returns only because of this round's wake
    t.join();
  }
  SUCCEED();
}

TEST(EventLoopTest, PostFromAnotherThreadRunsOnTheLoopThreadInOrder) {
  EventLoop loop;
  constexpr int kPosts = 2000;
  std::vector<int> seen;
  bool all_on_loop_thread = true;
  const std::thread::id loop_thread = std::this_thread::get_id();
  std::thread poster([&] {
    for (int i = 0; i < kPosts; ++i) {
      loop.Post([&, i] {
        seen.push_back(i);
        if (std::this_thread::get_id() != loop_thread) all_on_loop_thread = false;
      });
    }
  });
  ASSERT_TRUE(RunUntil(loop, [&] { return seen.size() == kPosts; }));
  poster.join();
  EXPECT_TRUE(all_on_loop_thread);
  for (int i = 0; i < kPosts; ++i) ASSERT_EQ(seen[i], i);
  EXPECT_EQ(loop.PostedCount(), 0u);
  // At most one eventfd write per wait, however many posts came in.
  EXPECT_LE(loop.PostWakeups(), static_cast<uint64_t>(kPosts));
}

TEST(EventLoopTest, PostWhileTheLoopIsBusyWritesNoEventfd) {
  EventLoop loop;
  int ran = 0;
  loop.Post([&] {
    ++ran;
    loop.Post([&] { ++ran; });  // posted from the loop itself, mid-iteration
  });
  EXPECT_EQ(loop.PostedCount(), 1u);
  loop.RunOnce(0);
  loop.RunOnce(0);
  EXPECT_EQ(ran, 2);
  EXPECT_EQ(loop.PostWakeups(), 0u);
}

TEST(EventLoopTest, PostEndsAWaitAndRunsBeforeRunOnceReturns) {
  EventLoop loop;
  std::atomic<bool> in_iteration{false};
  std::atomic<bool> ran{false};
  // The loop function runs before the wait: a post from then on lands
  // either before the wait (no wait then) or during it (a wake); either way
  // RunOnce(-1) returns with the function run.
  loop.SetLoopFunction([&] { in_iteration = true; });
  std::thread t([&] {
    while (!in_iteration) std::this_thread::yield();
    loop.Post([&] { ran = true; });
  });
  loop.RunOnce(-1);
  t.join();
  EXPECT_TRUE(ran);
  EXPECT_LE(loop.PostWakeups(), 1u);
}

TEST(EventLoopTest, RunExecutesInsideAContinuationUntilStop) {
  EventLoop loop;
  StackPool pool;
  bool in_continuation = false;
  int loop_fn_calls = 0;
  loop.SetLoopTimeout(milliseconds(5));
  loop.SetLoopFunction([&] { ++loop_fn_calls; });
  loop.AddTimer(Clock::now() + milliseconds(10), [&] {
    in_continuation = Continuation::Current() != nullptr;
    EXPECT_EQ(EventLoop::Current(), &loop);
    loop.Stop();
  });
  EXPECT_EQ(loop.Run(pool), 0);
  EXPECT_TRUE(in_continuation);
  EXPECT_GE(loop_fn_calls, 1);
  EXPECT_EQ(EventLoop::Current(), nullptr);
}

}  // namespace
}  // namespace rpuffs::puffs
