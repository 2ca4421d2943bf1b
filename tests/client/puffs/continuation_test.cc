#include "client/puffs/continuation.h"

#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "client/puffs/stack_pool.h"

namespace rpuffs::puffs {
namespace {

TEST(ContinuationTest, StartsLazilyYieldsAndResumes) {
  StackPool pool;
  std::vector<int> steps;
  auto cc = Continuation::Create(pool, [&] {
    steps.push_back(1);
    EXPECT_NE(Continuation::Current(), nullptr);
    Continuation::Yield();
    steps.push_back(2);
  });
  EXPECT_TRUE(steps.empty());
  EXPECT_EQ(Continuation::Current(), nullptr);
  Continuation::Continue(cc.get());
  EXPECT_EQ(steps, std::vector<int>{1});
  EXPECT_FALSE(cc->finished());
  Continuation::Continue(cc.get());
  EXPECT_EQ(steps, (std::vector<int>{1, 2}));
  EXPECT_TRUE(cc->finished());
  EXPECT_EQ(Continuation::Current(), nullptr);
}

TEST(ContinuationTest, YieldReturnsToWhoeverResumed) {
  StackPool pool;
  std::vector<std::string> log;
  auto inner = Continuation::Create(pool, [&] {
    log.push_back("inner1");
    Continuation::Yield();
    log.push_back("inner2");
  });
  Continuation* outer_seen = nullptr;
  auto outer = Continuation::Create(pool, [&] {
    Continuation::Continue(inner.get());
    log.push_back("outer");
    outer_seen = Continuation::Current();
  });
  Continuation::Continue(outer.get());
  Continuation::Continue(inner.get());
  EXPECT_EQ(log, (std::vector<std::string>{"inner1", "outer", "inner2"}));
  EXPECT_EQ(outer_seen, outer.get());
}

TEST(ContinuationTest, HundredThousandInARowReuseThePool) {
  StackPool pool(64 * 1024, 8);
  long sum = 0;
  for (int i = 0; i < 100000; ++i) {
    Continuation* cc = Continuation::Spawn(pool, [&sum, i] {
      Continuation::Yield();
      sum += i;
    });
    Continuation::Continue(cc);
    Continuation::Schedule(cc);
    EXPECT_EQ(Continuation::RunScheduled(), 1u);
  }
  EXPECT_EQ(sum, 100000L * 99999 / 2);
  EXPECT_EQ(Continuation::DetachedCount(), 0u);
  EXPECT_EQ(pool.live_count(), 0u);
  EXPECT_LE(pool.free_count(), 8u);
}

TEST(ContinuationTest, ExceptionStaysInsideAndReachesTheResumer) {
  StackPool pool;
  auto cc = Continuation::Create(pool, [] { throw std::runtime_error("boom"); });
  Continuation::Continue(cc.get());
  EXPECT_TRUE(cc->finished());
  auto ex = cc->TakeException();
  ASSERT_TRUE(ex);
  try {
    std::rethrow_exception(ex);
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "boom");
  }
  // A detached one logs and is cleaned up.
  Continuation* d = Continuation::Spawn(pool, [] { throw std::runtime_error("detached boom"); });
  Continuation::Continue(d);
  EXPECT_EQ(Continuation::DetachedCount(), 0u);
}

TEST(ContinuationTest, DestroyingASuspendedOneRunsItsDestructors) {
  StackPool pool;
  bool destroyed = false;
  bool after_yield = false;
  struct Flag {
    bool* f;
    ~Flag() { *f = true; }
  };
  auto cc = Continuation::Create(pool, [&] {
    Flag flag{&destroyed};
    Continuation::Yield();
    after_yield = true;
  });
  Continuation::Continue(cc.get());
  EXPECT_EQ(pool.live_count(), 1u);
  cc.reset();
  EXPECT_TRUE(destroyed);
  EXPECT_FALSE(after_yield);
  EXPECT_EQ(pool.live_count(), 0u);
}

TEST(ContinuationTest, DestroyAllDetachedUnwindsSuspendedOnes) {
  StackPool pool;
  int unwound = 0;
  struct Count {
    int* n;
    ~Count() { ++*n; }
  };
  for (int i = 0; i < 3; ++i) {
    Continuation::Continue(Continuation::Spawn(pool, [&] {
      Count c{&unwound};
      Continuation::Yield();
    }));
  }
  EXPECT_EQ(Continuation::DetachedCount(), 3u);
  Continuation::DestroyAllDetached();
  EXPECT_EQ(unwound, 3);
  EXPECT_EQ(Continuation::DetachedCount(), 0u);
}

TEST(ContinuationTest, ScheduledTwiceRunsOnce) {
  StackPool pool;
  int runs = 0;
  auto cc = Continuation::Create(pool, [&] {
    for (;;) {
      ++runs;
      Continuation::Yield();
    }
  });
  Continuation::Schedule(cc.get());
  Continuation::Schedule(cc.get());
  EXPECT_TRUE(Continuation::HasScheduled());
  EXPECT_EQ(Continuation::RunScheduled(), 1u);
  EXPECT_EQ(runs, 1);
  Continuation::Schedule(cc.get());
  cc.reset();  // a destroyed continuation leaves the queue
  EXPECT_FALSE(Continuation::HasScheduled());
}

// Deep enough to run off any small stack; volatile keeps every frame.
int Recurse(int depth) {
  volatile char pad[512];
  pad[0] = static_cast<char>(depth);
  if (depth == 0) return pad[0];
  return Recurse(depth - 1) + pad[0];
}

TEST(ContinuationDeathTest, GuardPageCatchesStackOverflow) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_DEATH(
      {
        StackPool pool(kMinStackSize);
        auto cc = Continuation::Create(pool, [] { Recurse(1 << 20); });
        Continuation::Continue(cc.get());
      },
      "");
}

}  // namespace
}  // namespace rpuffs::puffs
