// Daemon mode and signals, through the puffs_tiny_fs binary
// (RunFilesystemMain).
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <fstream>

#include <gtest/gtest.h>

#include "tests/support/test_support.h"

namespace rpuffs::puffs {
namespace {

using rpuffs::testing::IsFuseMounted;
using rpuffs::testing::MountGuard;
using rpuffs::testing::RunCommand;
using rpuffs::testing::Subprocess;
using rpuffs::testing::TempDir;
using rpuffs::testing::WaitUntil;

std::string TinyFs() { return rpuffs::testing::BinaryPath("tests/client/puffs/puffs_tiny_fs"); }

class DaemonTest : public ::testing::Test {
 protected:
  void SetUp() override { mkdir(mnt_.c_str(), 0755); }
  TempDir dir_{"puffs-daemon"};
  std::string mnt_ = dir_.Sub("mnt");
  MountGuard guard_{mnt_};
};

TEST_F(DaemonTest, ParentExitsZeroOnlyOnceMounted) {
  std::string out;
  ASSERT_EQ(RunCommand({TinyFs(), mnt_}, &out), 0) << out;
  // The parent has exited: the mount must already be live.
  EXPECT_TRUE(IsFuseMounted(mnt_));
  std::ifstream hello(mnt_ + "/hello");
  std::string content;
  std::getline(hello, content);
  EXPECT_EQ(content, "hello world");
  hello.close();
  ASSERT_EQ(RunCommand({"/bin/umount", mnt_}, &out), 0) << out;
  EXPECT_FALSE(IsFuseMounted(mnt_));
}

TEST_F(DaemonTest, MissingMountPointFailsWithReason) {
  std::string out;
  int status = RunCommand({TinyFs(), dir_.Sub("missing")}, &out);
  EXPECT_NE(status, 0);
  EXPECT_NE(out.find("mount point"), std::string::npos) << out;
  EXPECT_NE(out.find("No such file"), std::string::npos) << out;
}

TEST_F(DaemonTest, BadOptionFailsInTheChildAndTheParentSaysWhy) {
  std::string out;
  int status = RunCommand({TinyFs(), mnt_, "-o", "no_such_option_xyz"}, &out);
  EXPECT_EQ(status, 1);
  EXPECT_NE(out.find("invalid mount options"), std::string::npos) << out;
  EXPECT_FALSE(IsFuseMounted(mnt_));
}

TEST_F(DaemonTest, UnknownFlagIsRejected) {
  std::string out;
  EXPECT_NE(RunCommand({TinyFs(), mnt_, "--no-such-flag"}, &out), 0);
  EXPECT_NE(out.find("no-such-flag"), std::string::npos) << out;
  EXPECT_FALSE(IsFuseMounted(mnt_));
}

TEST_F(DaemonTest, HelpAndVersionExitZeroWithoutMounting) {
  std::string out;
  EXPECT_EQ(RunCommand({TinyFs(), "--help"}, &out), 0);
  EXPECT_NE(out.find("mountpoint"), std::string::npos) << out;
  EXPECT_EQ(RunCommand({TinyFs(), "--version"}, &out), 0);
  EXPECT_NE(out.find("0.1.0"), std::string::npos) << out;
}

TEST_F(DaemonTest, ForegroundSigtermUnmountsAndExitsZero) {
  for (int sig : {SIGTERM, SIGINT}) {
    Subprocess fs({TinyFs(), mnt_, "-f"});
    ASSERT_TRUE(WaitUntil([&] { return IsFuseMounted(mnt_); })) << fs.Output();
    fs.Signal(sig);
    int status = fs.Wait();
    ASSERT_TRUE(WIFEXITED(status)) << "signal " << sig << ": " << fs.Output();
    EXPECT_EQ(WEXITSTATUS(status), 0);
    EXPECT_FALSE(IsFuseMounted(mnt_));
  }
}

TEST_F(DaemonTest, ForegroundUnmountEndsTheProcess) {
  Subprocess fs({TinyFs(), mnt_, "-f"});
  ASSERT_TRUE(WaitUntil([&] { return IsFuseMounted(mnt_); })) << fs.Output();
  std::string out;
  ASSERT_EQ(RunCommand({"/usr/bin/fusermount3", "-u", mnt_}, &out), 0) << out;
  int status = fs.Wait();
  ASSERT_TRUE(WIFEXITED(status)) << fs.Output();
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

}  // namespace
}  // namespace rpuffs::puffs
