// What two mounts of one volume see of each other, and durability of
// fsync'd data across a kill -9 of the server.
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "tests/client/rpuffs/mount_fixture.h"

namespace rpuffs::testing {
namespace {

constexpr size_t k5MB = 5 * 1000 * 1000;

TEST_F(RpuffsMountTest, CloseToOpenAcrossMountsWith5MBFile) {
  std::string a = MountOrFail("a");
  std::string b = MountOrFail("b");
  std::string first = RandomBytes(k5MB, 1);
  ASSERT_TRUE(WriteFile(a + "/f", first, false));
  std::string seen;
  ASSERT_TRUE(ReadFile(b + "/f", &seen));
  ASSERT_EQ(seen.size(), first.size());
  EXPECT_TRUE(seen == first);
  // Same size, new bytes: b's page cache holds the old ones and must drop them on open.
  std::string second = RandomBytes(k5MB, 2);
  ASSERT_TRUE(WriteFile(a + "/f", second, false));
  ASSERT_TRUE(ReadFile(b + "/f", &seen));
  EXPECT_TRUE(seen == second);
  struct stat sa, sb;
  ASSERT_EQ(stat((a + "/f").c_str(), &sa), 0);
  ASSERT_EQ(stat((b + "/f").c_str(), &sb), 0);
  EXPECT_EQ(sb.st_size, static_cast<off_t>(k5MB));
  EXPECT_EQ(sa.st_mtim.tv_sec, sb.st_mtim.tv_sec);
  EXPECT_EQ(sa.st_mtim.tv_nsec, sb.st_mtim.tv_nsec);
}

TEST_F(RpuffsMountTest, UnchangedFileKeepsItsDataAcrossOpens) {
  std::string a = MountOrFail("a");
  std::string data = RandomBytes(1 << 20, 3);
  ASSERT_TRUE(WriteFile(a + "/k", data, false));
  std::string seen;
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(ReadFile(a + "/k", &seen));
    EXPECT_TRUE(seen == data) << i;
  }
}

TEST_F(RpuffsMountTest, FsyncedDataSurvivesServerKill9ReadThroughSameMount) {
  std::string a = MountOrFail("a");
  std::string data = RandomBytes(3 << 20, 4);
  ASSERT_TRUE(WriteFile(a + "/durable", data, true));
  server_->Kill9();
  server_->Start();
  DropCache(a + "/durable");
  std::string seen;
  ASSERT_TRUE(ReadFile(a + "/durable", &seen));
  EXPECT_EQ(seen.size(), data.size());
  EXPECT_TRUE(seen == data);
}

TEST_F(RpuffsMountTest, DirectoryChangesShowInOtherMount) {
  std::string a = MountOrFail("a", {"entry_timeout=0", "attr_timeout=0"});
  std::string b = MountOrFail("b", {"entry_timeout=0", "attr_timeout=0"});
  ASSERT_EQ(mkdir((a + "/d").c_str(), 0755), 0);
  ASSERT_TRUE(WriteFile(a + "/d/x", "1", false));
  ASSERT_EQ(link((a + "/d/x").c_str(), (a + "/d/y").c_str()), 0);
  struct stat st;
  ASSERT_EQ(stat((b + "/d/x").c_str(), &st), 0);
  EXPECT_EQ(st.st_nlink, 2u);
  ASSERT_EQ(unlink((a + "/d/y").c_str()), 0);
  ASSERT_EQ(stat((b + "/d/x").c_str(), &st), 0);
  EXPECT_EQ(st.st_nlink, 1u);
  EXPECT_NE(stat((b + "/d/y").c_str(), &st), 0);
}

}  // namespace
}  // namespace rpuffs::testing

namespace rpuffs::testing {
namespace {

TEST_F(RpuffsMountTest, WriteBehindKeepsOrderCloseToOpenAndDurability) {
  std::string a = MountOrFail("a", {"writeback"});
  std::string b = MountOrFail("b");
  // Overlapping writes land in the application's order.
  int fd = open((a + "/o").c_str(), O_WRONLY | O_CREAT, 0644);
  ASSERT_GE(fd, 0);
  for (int i = 0; i < 100; ++i) {
    std::string v = std::to_string(1000 + i);
    ASSERT_EQ(pwrite(fd, v.data(), v.size(), 0), 4);
  }
  ASSERT_EQ(close(fd), 0);
  std::string seen;
  ASSERT_TRUE(ReadFile(b + "/o", &seen));
  EXPECT_EQ(seen, "1099");
  // Many writes in flight, then close: all of it is visible elsewhere.
  std::string data = RandomBytes(9 << 20, 5);
  ASSERT_TRUE(WriteFile(a + "/big", data, false));
  ASSERT_TRUE(ReadFile(b + "/big", &seen));
  EXPECT_TRUE(seen == data);
  // fsync returns once the writes are durable.
  ASSERT_TRUE(WriteFile(a + "/durable", data, true));
  server_->Kill9();
  server_->Start();
  DropCache(b + "/durable");
  ASSERT_TRUE(ReadFile(b + "/durable", &seen));
  EXPECT_TRUE(seen == data);
}

}  // namespace
}  // namespace rpuffs::testing

namespace rpuffs::testing {
namespace {

std::string GetX(const std::string& path, const char* name, int* err) {
  char buf[64];
  ssize_t n = getxattr(path.c_str(), name, buf, sizeof buf);
  *err = n < 0 ? errno : 0;
  return n < 0 ? "" : std::string(buf, static_cast<size_t>(n));
}

TEST_F(RpuffsMountTest, ProbedXattrsAreAnsweredFromTheNameListButChangesShowAtOnce) {
  std::string a = MountOrFail("a");
  std::string b = MountOrFail("b", {"attr_timeout=0"});
  ASSERT_TRUE(WriteFile(a + "/x", "", false));
  int err = 0;
  GetX(a + "/x", "security.rpuffs", &err);
  EXPECT_EQ(err, ENODATA);  // now cached as absent in a
  ASSERT_EQ(setxattr((a + "/x").c_str(), "security.rpuffs", "v1", 2, 0), 0);
  EXPECT_EQ(GetX(a + "/x", "security.rpuffs", &err), "v1");  // a's own change, at once
  EXPECT_EQ(GetX(b + "/x", "security.rpuffs", &err), "v1");
  ASSERT_EQ(removexattr((a + "/x").c_str(), "security.rpuffs"), 0);
  GetX(a + "/x", "security.rpuffs", &err);
  EXPECT_EQ(err, ENODATA);
}

}  // namespace
}  // namespace rpuffs::testing

namespace rpuffs::testing {
namespace {

TEST_F(RpuffsMountTest, NegativeEntriesExpireAndOwnCreatesShowAtOnce) {
  std::string a = MountOrFail("a");
  std::string b = MountOrFail("b");
  struct stat st;
  ASSERT_NE(stat((a + "/n").c_str(), &st), 0);  // cached as absent in a
  ASSERT_TRUE(WriteFile(b + "/n", "x", false));
  EXPECT_TRUE(WaitUntil([&] { return stat((a + "/n").c_str(), &st) == 0; }, std::chrono::seconds(30)));
  ASSERT_NE(stat((a + "/own").c_str(), &st), 0);
  ASSERT_TRUE(WriteFile(a + "/own", "y", false));
  EXPECT_EQ(stat((a + "/own").c_str(), &st), 0);
}

}  // namespace
}  // namespace rpuffs::testing
