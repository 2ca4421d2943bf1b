// rpuffs-memfs through real FUSE: foreground and daemon mounts, a bad mount
// point, too few file descriptors.
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

// An empty mount point in a temp dir, unmounted at the end whatever happens.
class MemfsMountTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_EQ(mkdir(mnt.c_str(), 0755), 0); }
  TempDir dir{"memfs-smoke"};
  const std::string mnt = dir.Sub("mnt");
  MountGuard guard{mnt};
};

TEST_F(MemfsMountTest, ForegroundMountServesFilesAndExitsZeroOnUnmount) {
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

TEST_F(MemfsMountTest, DaemonModeReturnsZeroOnlyOnceMounted) {
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

// A refusal as every binary must give it: a non-zero exit (not a signal:
// RunCommand's -1), one line naming `why`, and no mount left.
void ExpectOneLineFailure(int status, const std::string& output, const std::string& mnt, const std::string& why) {
  EXPECT_GT(status, 0) << output;
  EXPECT_FALSE(IsFuseMounted(mnt));
  ASSERT_FALSE(output.empty());
  EXPECT_LE(std::count(output.begin(), output.end(), '\n'), 1) << output;
  EXPECT_NE(output.find(why), std::string::npos) << output;
}

TEST_F(MemfsMountTest, MissingMountPointFailsWithOneLineReason) {
  const std::string missing = dir.Sub("does-not-exist");
  MountGuard missing_guard(missing);
  std::string output;
  ExpectOneLineFailure(RunCommand({MemfsBinary(), missing}, &output), output, missing, "does-not-exist");
}

// Out of file descriptors (the loop's epoll, eventfd and timerfd cannot be
// made): a one-line reason and exit 1, not an abort, and no mount. How many
// descriptors the binary inherits depends on who runs the test, so the limit
// (util-linux's prlimit) rises from 3 until the binary gets past loading its
// libraries; its first own descriptor then fails.
TEST_F(MemfsMountTest, TooFewFileDescriptorsFailsWithOneLineReason) {
  std::string output;
  int status = 127;
  for (int limit = 3; limit < 16 && status == 127; ++limit) {
    const std::string nofile = "--nofile=" + std::to_string(limit) + ":" + std::to_string(limit);
    status = RunCommand({"/usr/bin/prlimit", nofile, MemfsBinary(), mnt, "-f"}, &output);
  }
  ExpectOneLineFailure(status, output, mnt, "Too many open files");
}

}  // namespace
}  // namespace rpuffs::memfs
