#include "client/puffs/stack_pool.h"

#include <gtest/gtest.h>

namespace rpuffs::puffs {
namespace {

TEST(StackPoolTest, SizesRoundUpToAPowerOfTwo) {
  EXPECT_EQ(RoundStackSize(0), kMinStackSize);
  EXPECT_EQ(RoundStackSize(kMinStackSize), kMinStackSize);
  EXPECT_EQ(RoundStackSize(kMinStackSize + 1), 2 * kMinStackSize);
  EXPECT_EQ(RoundStackSize(100000), 131072u);
  EXPECT_EQ(RoundStackSize(1 << 20), 1u << 20);
  EXPECT_EQ(StackPool(100000).stack_size(), 131072u);
}

TEST(StackPoolTest, FreedStacksAreReused) {
  StackPool pool(64 * 1024, 2);
  auto a = pool.Take();
  EXPECT_EQ(a.size, 64u * 1024);
  void* top = a.sp;
  pool.Give(a);
  EXPECT_EQ(pool.free_count(), 1u);
  auto b = pool.Take();
  EXPECT_EQ(b.sp, top);
  EXPECT_EQ(pool.live_count(), 1u);
  pool.Give(b);
}

TEST(StackPoolTest, FreeListIsBounded) {
  StackPool pool(kMinStackSize, 2);
  auto a = pool.Take();
  auto b = pool.Take();
  auto c = pool.Take();
  pool.Give(a);
  pool.Give(b);
  pool.Give(c);  // unmapped: the list holds at most 2
  EXPECT_EQ(pool.free_count(), 2u);
  EXPECT_EQ(pool.live_count(), 0u);
}

TEST(StackPoolTest, StackIsWritableToItsLowestByte) {
  StackPool pool(kMinStackSize);
  auto sc = pool.Take();
  char* top = static_cast<char*>(sc.sp);
  top[-1] = 1;
  *(top - sc.size) = 2;  // the lowest usable byte, just above the guard page
  EXPECT_EQ(*(top - sc.size), 2);
  pool.Give(sc);
}

}  // namespace
}  // namespace rpuffs::puffs
