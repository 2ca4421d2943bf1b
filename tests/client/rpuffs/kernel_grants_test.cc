// KernelGrants on its own: what it records, its bound, and what it gives back.
#include "client/rpuffs/kernel_grants.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace rpuffs::client {
namespace {

TEST(KernelGrantsTest, RecordsOnceAndGivesEverythingBack) {
  KernelGrants g;
  EXPECT_TRUE(g.GrantInode(7));
  EXPECT_TRUE(g.GrantInode(7));
  EXPECT_TRUE(g.GrantEntry(1, "a"));
  EXPECT_TRUE(g.GrantEntry(1, "a"));
  EXPECT_TRUE(g.GrantEntry(2, "b"));
  EXPECT_EQ(g.size(), 3u);
  KernelGrants::All all = g.TakeAll();
  EXPECT_EQ(all.inodes, std::vector<uint64_t>{7});
  std::sort(all.entries.begin(), all.entries.end());
  std::vector<std::pair<uint64_t, std::string>> want{{1, "a"}, {2, "b"}};
  EXPECT_EQ(all.entries, want);
  EXPECT_EQ(g.size(), 0u);
  EXPECT_TRUE(g.TakeAll().inodes.empty());
}

TEST(KernelGrantsTest, BoundedRefusesPastTheLimitUntilSomethingIsDropped) {
  KernelGrants g(2);
  EXPECT_TRUE(g.GrantInode(1));
  EXPECT_TRUE(g.GrantEntry(1, "x"));
  EXPECT_FALSE(g.GrantInode(2));
  EXPECT_FALSE(g.GrantEntry(1, "y"));
  EXPECT_TRUE(g.GrantInode(1));  // already there
  g.DropEntry(1, "x");
  EXPECT_TRUE(g.GrantEntry(1, "y"));
  EXPECT_EQ(g.size(), 2u);
}

TEST(KernelGrantsTest, ForgettingAnInodeDropsItAndTheNamesUnderIt) {
  KernelGrants g;
  g.GrantInode(5);
  g.GrantEntry(5, "a");
  g.GrantEntry(5, "b");
  g.GrantEntry(6, "c");
  g.Forget(5);
  EXPECT_EQ(g.size(), 1u);
  KernelGrants::All all = g.TakeAll();
  EXPECT_TRUE(all.inodes.empty());
  ASSERT_EQ(all.entries.size(), 1u);
  EXPECT_EQ(all.entries[0].second, "c");
}

}  // namespace
}  // namespace rpuffs::client
