// The event loop's adaptive busy-poll window: the policy (PollWindow) and
// the loop polling with it (events and posts during the window, the window
// shrinking to nothing while the loop idles).
#include "client/puffs/poll_window.h"

#include <sys/eventfd.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <thread>

#include <gtest/gtest.h>

#include "client/puffs/event_loop.h"

namespace rpuffs::puffs {
namespace {

using std::chrono::microseconds;
using std::chrono::milliseconds;

TEST(PollWindowTest, ZeroMaxNeverPolls) {
  PollWindow w;
  EXPECT_EQ(w.current(), PollWindow::Duration::zero());
  w.OnSlept(microseconds(1));
  EXPECT_EQ(w.current(), PollWindow::Duration::zero());
}

TEST(PollWindowTest, StartsAtMax) {
  PollWindow w(microseconds(50));
  EXPECT_EQ(w.current(), microseconds(50));
  w.OnSlept(microseconds(30));  // within max: already at max, stays
  EXPECT_EQ(w.current(), microseconds(50));
}

TEST(PollWindowTest, LongSleepsShrinkItToZero) {
  PollWindow w(microseconds(50));
  w.OnSlept(milliseconds(10));
  EXPECT_EQ(w.current(), microseconds(25));
  for (int i = 0; i < 10; ++i) w.OnSlept(milliseconds(10));
  EXPECT_EQ(w.current(), PollWindow::Duration::zero());
}

TEST(PollWindowTest, ShortSleepsGrowItBackUpToMax) {
  PollWindow w(microseconds(50));
  for (int i = 0; i < 10; ++i) w.OnSlept(milliseconds(10));
  ASSERT_EQ(w.current(), PollWindow::Duration::zero());
  w.OnSlept(microseconds(30));  // a longer poll would have caught it
  EXPECT_EQ(w.current(), PollWindow::kGrowFrom);
  w.OnSlept(microseconds(30));
  EXPECT_EQ(w.current(), 2 * PollWindow::kGrowFrom);
  for (int i = 0; i < 10; ++i) w.OnSlept(microseconds(30));
  EXPECT_EQ(w.current(), microseconds(50));
}

TEST(PollWindowTest, NegativeMaxIsOff) {
  PollWindow w(microseconds(-5));
  EXPECT_EQ(w.max(), PollWindow::Duration::zero());
  EXPECT_EQ(w.current(), PollWindow::Duration::zero());
}

// The loop with a long window: an fd that becomes readable from another
// thread while the loop polls is handled, and a post is run, each ending
// RunOnce(-1) (which would otherwise wait forever).
TEST(EventLoopPollTest, EventDuringThePollIsHandled) {
  EventLoop loop;
  loop.SetPollWindow(microseconds(5000));
  int efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  ASSERT_GE(efd, 0);
  int handled = 0;
  ASSERT_EQ(loop.AddFd(efd, EPOLLIN, [&](uint32_t) {
    uint64_t v;
    if (read(efd, &v, sizeof v) == sizeof v) ++handled;
  }), 0);
  std::thread t([&] {
    std::this_thread::sleep_for(microseconds(500));  // lands inside the 5 ms poll mostly; either way works
    uint64_t one = 1;
    ASSERT_EQ(write(efd, &one, sizeof one), static_cast<ssize_t>(sizeof one));
  });
  loop.RunOnce(-1);
  t.join();
  EXPECT_EQ(handled, 1);
  std::atomic<bool> ran{false};
  std::thread poster([&] { loop.Post([&] { ran = true; }); });
  while (!ran) loop.RunOnce(-1);
  poster.join();
  EXPECT_TRUE(ran);
  loop.RemoveFd(efd);
  close(efd);
}

// A post that lands while the loop polls needs no eventfd write: the poll
// watches the posted queue itself.
TEST(EventLoopPollTest, PostDuringThePollWritesNoEventfd) {
  EventLoop loop;
  loop.SetPollWindow(microseconds(10000000));  // 10 s: ends at the post
  std::atomic<bool> ran{false};
  std::thread poster([&] { loop.Post([&] { ran = true; }); });
  while (!ran) loop.RunOnce(-1);
  poster.join();
  EXPECT_EQ(loop.PostWakeups(), 0u);
}

// Idle waits (timeouts far longer than the window) shrink the window to
// nothing: an idle daemon spends no CPU polling.
TEST(EventLoopPollTest, IdleWaitsStopThePolling) {
  EventLoop loop;
  loop.SetPollWindow(microseconds(200));
  EXPECT_EQ(loop.poll_window_max(), microseconds(200));
  int timers = 0;
  for (int i = 0; i < 30; ++i) {
    loop.AddTimer(EventLoop::Clock::now() + milliseconds(2), [&] { ++timers; });
    while (loop.TimerCount() != 0) loop.RunOnce(-1);
  }
  EXPECT_EQ(timers, 30);
  EXPECT_EQ(loop.poll_window_current(), PollWindow::Duration::zero());
}

// A loop timeout shorter than the window: the waits that time out count as
// long ones, so an idle loop stops polling, and no RunOnce overruns its
// timeout by the window.
TEST(EventLoopPollTest, TimedOutWaitsBelowTheWindowStopThePolling) {
  EventLoop loop;
  loop.SetPollWindow(microseconds(5000));
  loop.SetLoopTimeout(milliseconds(1));
  for (int i = 0; i < 30; ++i) loop.RunOnce(-1);  // each ends by the 1 ms bound
  EXPECT_EQ(loop.poll_window_current(), PollWindow::Duration::zero());
}

}  // namespace
}  // namespace rpuffs::puffs
