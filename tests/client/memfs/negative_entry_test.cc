// Negative entries through the real kernel: a name that is not there is
// asked for once while negative_timeout lasts, and creating it afterwards
// works (the kernel turns its cached negative dentry into the new file).
// An O_EXCL create always asks again (the kernel revalidates a cached
// dentry for LOOKUP_EXCL), so the create test uses O_CREAT|O_TRUNC.
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tests/support/test_support.h"

namespace rpuffs::memfs {
namespace {

using rpuffs::testing::BinaryPath;
using rpuffs::testing::IsFuseMounted;
using rpuffs::testing::MountGuard;
using rpuffs::testing::RunCommand;
using rpuffs::testing::Subprocess;
using rpuffs::testing::TempDir;
using rpuffs::testing::WaitUntil;

size_t CountOf(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

// Mounts rpuffs-memfs -f -d with `options`, runs `body(mnt)`, unmounts, and
// returns the number of LOOKUP requests the daemon's trace shows.
template <typename Body>
size_t LookupsDuring(const std::string& options, Body body) {
  TempDir dir("memfs-negative");
  const std::string mnt = dir.Sub("mnt");
  EXPECT_EQ(mkdir(mnt.c_str(), 0755), 0);
  MountGuard guard(mnt);
  Subprocess daemon({BinaryPath("client/memfs/rpuffs-memfs"), mnt, "-f", "-d", "-o", options});
  EXPECT_TRUE(WaitUntil([&] { return IsFuseMounted(mnt) || !daemon.running(); }));
  if (!IsFuseMounted(mnt)) {
    ADD_FAILURE() << daemon.Output();
    return 0;
  }
  body(mnt);
  EXPECT_EQ(RunCommand({"/usr/bin/fusermount3", "-u", mnt}), 0);
  const int status = daemon.Wait();
  EXPECT_TRUE(status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 0) << daemon.Output();
  return CountOf(daemon.Output(), "opcode: LOOKUP");
}

void StatMissingThreeTimes(const std::string& mnt) {
  struct stat st;
  for (int i = 0; i < 3; ++i) {
    errno = 0;
    EXPECT_EQ(stat((mnt + "/missing").c_str(), &st), -1);
    EXPECT_EQ(errno, ENOENT);
  }
}

TEST(MemfsNegativeEntryTest, RepeatedMissesReachTheDaemonOnce) {
  EXPECT_EQ(LookupsDuring("negative_timeout=3600", StatMissingThreeTimes), 1u);
}

TEST(MemfsNegativeEntryTest, ZeroNegativeTimeoutSendsEveryMiss) {
  EXPECT_EQ(LookupsDuring("negative_timeout=0", StatMissingThreeTimes), 3u);
}

TEST(MemfsNegativeEntryTest, CreateAfterACachedMissNeedsNoSecondLookup) {
  const size_t lookups = LookupsDuring("negative_timeout=3600", [](const std::string& mnt) {
    const std::string path = mnt + "/later";
    struct stat st;
    ASSERT_EQ(stat(path.c_str(), &st), -1);
    const int fd = open(path.c_str(), O_CREAT | O_TRUNC | O_WRONLY, 0644);
    ASSERT_GE(fd, 0) << strerror(errno);
    EXPECT_EQ(write(fd, "x", 1), 1);
    EXPECT_EQ(close(fd), 0);
    ASSERT_EQ(stat(path.c_str(), &st), 0);
    EXPECT_EQ(st.st_size, 1);
  });
  EXPECT_EQ(lookups, 1u);
}

TEST(MemfsNegativeEntryTest, NamesComeAndGoAsOnADisk) {
  LookupsDuring("negative_timeout=3600", [](const std::string& mnt) {
    const std::string a = mnt + "/a", b = mnt + "/b";
    struct stat st;
    for (int round = 0; round < 2; ++round) {
      errno = 0;
      EXPECT_EQ(stat(a.c_str(), &st), -1);
      EXPECT_EQ(errno, ENOENT);
      int fd = open(a.c_str(), O_CREAT | O_EXCL | O_WRONLY, 0600);
      ASSERT_GE(fd, 0) << strerror(errno);
      EXPECT_EQ(close(fd), 0);
      errno = 0;
      EXPECT_EQ(open(a.c_str(), O_CREAT | O_EXCL | O_WRONLY, 0600), -1);
      EXPECT_EQ(errno, EEXIST);
      ASSERT_EQ(unlink(a.c_str()), 0);
      fd = open(a.c_str(), O_CREAT | O_WRONLY, 0600);
      ASSERT_GE(fd, 0) << strerror(errno);
      EXPECT_EQ(close(fd), 0);
      EXPECT_EQ(stat(a.c_str(), &st), 0);
      ASSERT_EQ(rename(a.c_str(), b.c_str()), 0);  // a is gone again, b is there
      errno = 0;
      EXPECT_EQ(stat(a.c_str(), &st), -1);
      EXPECT_EQ(errno, ENOENT);
      EXPECT_EQ(stat(b.c_str(), &st), 0);
      ASSERT_EQ(link(b.c_str(), a.c_str()), 0);
      EXPECT_EQ(stat(a.c_str(), &st), 0);
      EXPECT_EQ(st.st_nlink, 2u);
      ASSERT_EQ(unlink(a.c_str()), 0);
      ASSERT_EQ(unlink(b.c_str()), 0);
      errno = 0;
      EXPECT_EQ(stat(b.c_str(), &st), -1);
      EXPECT_EQ(errno, ENOENT);
    }
  });
}

}  // namespace
}  // namespace rpuffs::memfs
