// DirCache on its own: what it knows, when it forgets, and its bounds.
#include "client/rpuffs/dir_cache.h"

#include <gtest/gtest.h>

namespace rpuffs::client {
namespace {

using Clock = DirCache::Clock;
constexpr double kHour = 3600;

TEST(DirCacheTest, UnknownDirectoryIsNeverAbsent) {
  DirCache c(kHour);
  double left = 0;
  EXPECT_FALSE(c.Absent(5, "x", &left));
}

TEST(DirCacheTest, CreatedDirectoryIsCompleteAndEmpty) {
  DirCache c(kHour);
  c.Created(5, Clock::now());
  double left = 0;
  EXPECT_TRUE(c.Absent(5, "x", &left));
  EXPECT_GT(left, 0);
  EXPECT_LE(left, kHour);
}

TEST(DirCacheTest, AddedAndRemovedNamesTracked) {
  DirCache c(kHour);
  c.Created(5, Clock::now());
  c.Added(5, "a");
  double left = 0;
  EXPECT_FALSE(c.Absent(5, "a", &left));
  EXPECT_TRUE(c.Absent(5, "b", &left));
  c.Removed(5, "a");
  EXPECT_TRUE(c.Absent(5, "a", &left));
}

TEST(DirCacheTest, DropForgetsTheDirectory) {
  DirCache c(kHour);
  c.Created(5, Clock::now());
  c.Drop(5);
  double left = 0;
  EXPECT_FALSE(c.Absent(5, "x", &left));
  EXPECT_EQ(c.size(), 0u);
}

TEST(DirCacheTest, KnowledgeExpiresTtlAfterTheRequestWasSent) {
  DirCache c(1.0);
  c.Created(5, Clock::now() - std::chrono::seconds(2));
  double left = 0;
  EXPECT_FALSE(c.Absent(5, "x", &left));
  EXPECT_EQ(c.size(), 0u);
  c.Establish(6, c.Epoch(6), Clock::now() - std::chrono::seconds(2), {});
  EXPECT_FALSE(c.Absent(6, "x", &left));
}

TEST(DirCacheTest, ZeroTtlDisablesEverything) {
  DirCache c(0);
  EXPECT_FALSE(c.enabled());
  c.Created(5, Clock::now());
  c.Establish(6, c.Epoch(6), Clock::now(), {"a"});
  double left = 0;
  EXPECT_FALSE(c.Absent(5, "x", &left));
  EXPECT_FALSE(c.Absent(6, "x", &left));
}

TEST(DirCacheTest, ListingEstablishedOnlyIfNothingChangedMeanwhile) {
  DirCache c(kHour);
  double left = 0;
  uint64_t epoch = c.Epoch(7);
  c.Establish(7, epoch, Clock::now(), {"a", "b"});
  EXPECT_TRUE(c.Absent(7, "c", &left));
  EXPECT_FALSE(c.Absent(7, "a", &left));
  epoch = c.Epoch(8);
  c.Drop(8);  // e.g. a create in 8 failed while it was being listed
  c.Establish(8, epoch, Clock::now(), {"a"});
  EXPECT_FALSE(c.Absent(8, "c", &left));
}

TEST(DirCacheTest, LookupResultsCorrectTheListing) {
  DirCache c(kHour);
  auto before = Clock::now();
  c.Establish(7, c.Epoch(7), Clock::now(), {"a", "b"});
  c.Learned(7, "b", false, before);  // an older answer: ignored
  double left = 0;
  EXPECT_FALSE(c.Absent(7, "b", &left));
  c.Learned(7, "a", false, Clock::now());  // another mount removed it
  EXPECT_TRUE(c.Absent(7, "a", &left));
}

TEST(DirCacheTest, LeastRecentlyUsedDirectoryEvicted) {
  DirCache c(kHour, {2, 100});
  c.Created(1, Clock::now());
  c.Created(2, Clock::now());
  double left = 0;
  ASSERT_TRUE(c.Absent(1, "x", &left));  // 1 is now the most recent
  c.Created(3, Clock::now());
  EXPECT_EQ(c.size(), 2u);
  EXPECT_TRUE(c.Absent(1, "x", &left));
  EXPECT_FALSE(c.Absent(2, "x", &left));
  EXPECT_TRUE(c.Absent(3, "x", &left));
}

TEST(DirCacheTest, DirectoryOverTheNameCapNotCached) {
  DirCache c(kHour, {10, 2});
  c.Created(1, Clock::now());
  c.Added(1, "a");
  c.Added(1, "b");
  double left = 0;
  EXPECT_TRUE(c.Absent(1, "c", &left));
  c.Added(1, "c");
  EXPECT_FALSE(c.Absent(1, "d", &left));
  c.Establish(2, c.Epoch(2), Clock::now(), {"a", "b", "c"});
  EXPECT_FALSE(c.Absent(2, "d", &left));
}

}  // namespace
}  // namespace rpuffs::client

namespace rpuffs::client {
namespace {

TEST(DirCacheTest, WhileWatchingKnowledgeDoesNotExpire) {
  DirCache c(1.0);
  c.set_watching(true);
  c.Created(5, Clock::now() - std::chrono::seconds(2));  // past ttl already
  double left = 0;
  EXPECT_TRUE(c.Absent(5, "x", &left));
  EXPECT_GT(left, 1.0);
  // A notice about a name: it is no longer known absent.
  c.Added(5, "x");
  EXPECT_FALSE(c.Absent(5, "x", &left));
  EXPECT_TRUE(c.Absent(5, "y", &left));
}

TEST(DirCacheTest, ClearForgetsAllAndRefusesListingsInFlight) {
  DirCache c(kHour);
  c.Created(5, Clock::now());
  c.Created(6, Clock::now());
  uint64_t epoch = c.Epoch(7);
  c.Clear();
  EXPECT_EQ(c.size(), 0u);
  double left = 0;
  EXPECT_FALSE(c.Absent(5, "x", &left));
  c.Establish(7, epoch, Clock::now(), {"a"});
  EXPECT_FALSE(c.Absent(7, "b", &left));
}

}  // namespace
}  // namespace rpuffs::client
