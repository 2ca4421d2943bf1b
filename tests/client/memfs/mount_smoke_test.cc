// rpuffs-memfs through real FUSE: foreground and daemon mounts, a bad mount point.
#include <sys/stat.h>
#include <sys/wait.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <string>

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

std::string MemfsBinary() { return BinaryPath("client/memfs/rpuffs-memfs"); }

std::string Slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(MemfsMountTest, ForegroundMountServesFilesAndExitsZeroOnUnmount) {
  TempDir dir("memfs-smoke");
  const std::string mnt = dir.Sub("mnt");
  ASSERT_EQ(mkdir(mnt.c_str(), 0755), 0);
  MountGuard guard(mnt);
  Subprocess daemon({MemfsBinary(), mnt, "-f"});
  ASSERT_TRUE(WaitUntil([&] { return IsFuseMounted(mnt) || !daemon.running(); }));
  ASSERT_TRUE(IsFuseMounted(mnt)) << daemon.Output();
  {
    std::ofstream out(mnt + "/hello.txt");
    out << "hello through the kernel\n";
  }
  EXPECT_EQ(Slurp(mnt + "/hello.txt"), "hello through the kernel\n");
  struct stat st;
  ASSERT_EQ(stat((mnt + "/hello.txt").c_str(), &st), 0);
  EXPECT_EQ(st.st_size, 25);
  EXPECT_EQ(st.st_uid, geteuid());
  ASSERT_EQ(RunCommand({"/usr/bin/fusermount3", "-u", mnt}), 0);
  const int status = daemon.Wait();
  ASSERT_NE(status, -1) << "daemon did not exit after unmount";
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << daemon.Output();
  EXPECT_FALSE(IsFuseMounted(mnt));
}

TEST(MemfsMountTest, DaemonModeReturnsZeroOnlyOnceMounted) {
  TempDir dir("memfs-smoke");
  const std::string mnt = dir.Sub("mnt");
  ASSERT_EQ(mkdir(mnt.c_str(), 0755), 0);
  MountGuard guard(mnt);
  std::string output;
  ASSERT_EQ(RunCommand({MemfsBinary(), mnt}, &output), 0) << output;
  // No waiting: the command returned, so the mount must be live already.
  EXPECT_TRUE(IsFuseMounted(mnt));
  struct stat st;
  ASSERT_EQ(stat(mnt.c_str(), &st), 0);
  EXPECT_TRUE(S_ISDIR(st.st_mode));
  ASSERT_EQ(RunCommand({"/usr/bin/fusermount3", "-u", mnt}), 0);
  EXPECT_TRUE(WaitUntil([&] { return !IsFuseMounted(mnt); }));
}

TEST(MemfsMountTest, MissingMountPointFailsWithOneLineReason) {
  TempDir dir("memfs-smoke");
  const std::string mnt = dir.Sub("does-not-exist");
  MountGuard guard(mnt);
  std::string output;
  const int status = RunCommand({MemfsBinary(), mnt}, &output);
  EXPECT_NE(status, 0);
  EXPECT_FALSE(IsFuseMounted(mnt));
  ASSERT_FALSE(output.empty());
  EXPECT_LE(std::count(output.begin(), output.end(), '\n'), 1) << output;
  EXPECT_NE(output.find("does-not-exist"), std::string::npos) << output;
}

// Out of file descriptors (the loop's epoll, eventfd and timerfd cannot be
// made): a one-line reason and exit 1, not an abort, and no mount. How many
// descriptors the binary inherits depends on who runs the test, so the limit
// (util-linux's prlimit) rises from 3 until the binary gets past loading its
// libraries; its first own descriptor then fails.
TEST(MemfsMountTest, TooFewFileDescriptorsFailsWithOneLineReason) {
  TempDir dir("memfs-smoke");
  const std::string mnt = dir.Sub("mnt");
  ASSERT_EQ(mkdir(mnt.c_str(), 0755), 0);
  MountGuard guard(mnt);
  std::string output;
  int status = 127;
  for (int limit = 3; limit < 16 && status == 127; ++limit) {
    const std::string nofile = "--nofile=" + std::to_string(limit) + ":" + std::to_string(limit);
    status = RunCommand({"/usr/bin/prlimit", nofile, MemfsBinary(), mnt, "-f"}, &output);
  }
  EXPECT_EQ(status, 1) << output;  // -1: killed by a signal (an abort)
  EXPECT_FALSE(IsFuseMounted(mnt));
  ASSERT_FALSE(output.empty());
  EXPECT_LE(std::count(output.begin(), output.end(), '\n'), 1) << output;
  EXPECT_NE(output.find("Too many open files"), std::string::npos) << output;
}

}  // namespace
}  // namespace rpuffs::memfs
