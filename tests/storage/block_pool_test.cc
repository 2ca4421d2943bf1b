// storage/block_pool.h: blocks of the pooled size are reused after they are
// given back, other sizes are not pooled, the free list is bounded, and the
// blob cache built on it keeps file data intact (the data path tests).
#include "storage/block_pool.h"

#include <gtest/gtest.h>

#include <cstring>
#include <set>
#include <vector>

namespace rpuffs::storage::testing {
namespace {

constexpr size_t kBlock = 65536;

TEST(BlockPoolTest, GivenBackBlocksAreHandedOutAgain) {
  auto pool = NewBlockPool(kBlock, 4);
  void* a = pool->Allocate(kBlock);
  void* b = pool->Allocate(kBlock);
  ASSERT_NE(a, b);
  std::memset(a, 1, kBlock);  // the whole block is usable
  std::memset(b, 2, kBlock);
  pool->Deallocate(a);
  EXPECT_EQ(pool->Allocate(kBlock), a);
  pool->Deallocate(a);
  pool->Deallocate(b);
  std::set<void*> again = {pool->Allocate(kBlock), pool->Allocate(kBlock)};
  EXPECT_EQ(again, (std::set<void*>{a, b}));
  for (void* p : again) pool->Deallocate(p);
}

TEST(BlockPoolTest, OtherSizesAreNotPooled) {
  auto pool = NewBlockPool(kBlock, 4);
  void* small = pool->Allocate(100);
  std::memset(small, 3, 100);
  pool->Deallocate(small);
  // A pooled-size request never gets a smaller allocation back.
  void* block = pool->Allocate(kBlock);
  EXPECT_NE(block, small);
  std::memset(block, 4, kBlock);
  pool->Deallocate(block);
  void* big = pool->Allocate(kBlock + 1);
  EXPECT_NE(big, block);
  std::memset(big, 5, kBlock + 1);
  pool->Deallocate(big);
}

TEST(BlockPoolTest, KeepsAtMostMaxPooledFreeBlocks) {
  auto pool = NewBlockPool(kBlock, 2);
  std::vector<void*> blocks;
  for (int i = 0; i < 5; ++i) blocks.push_back(pool->Allocate(kBlock));
  for (void* p : blocks) pool->Deallocate(p);  // three of them are freed
  std::set<void*> kept(blocks.begin() + 0, blocks.begin() + 2);
  void* x = pool->Allocate(kBlock);
  void* y = pool->Allocate(kBlock);
  EXPECT_EQ((std::set<void*>{x, y}), kept);
  pool->Deallocate(x);
  pool->Deallocate(y);
}

}  // namespace
}  // namespace rpuffs::storage::testing
