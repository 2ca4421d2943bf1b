// The rpuffs command line: what mounts, what fails with which message, and
// how the daemon ends.
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <cerrno>
#include <cstdlib>

#include "tests/client/rpuffs/mount_fixture.h"

namespace rpuffs::testing {
namespace {

// For Subprocess::Wait's wait status (RunCommand returns the exit code itself).
bool Exited(int status, int code) { return status >= 0 && WIFEXITED(status) && WEXITSTATUS(status) == code; }

TEST_F(RpuffsMountTest, HelpExitsZero) {
  std::string out;
  EXPECT_EQ(RunCommand({RpuffsBinary(), "--help"}, &out), 0);
  EXPECT_NE(out.find("HOST:PORT"), std::string::npos) << out;
}

TEST_F(RpuffsMountTest, MountShowsAsFuseRpuffsAndUmountEndsDaemonWithZero) {
  std::string dir = NewMountPoint("m");
  auto daemon = MountForeground(dir);
  std::string mounts;
  ASSERT_TRUE(ReadFile("/proc/self/mounts", &mounts));
  EXPECT_NE(mounts.find(dir + " fuse.rpuffs"), std::string::npos);
  ASSERT_EQ(RunCommand({"/usr/bin/umount", dir}), 0);
  EXPECT_TRUE(Exited(daemon->Wait(std::chrono::seconds(20)), 0)) << daemon->Output();
  EXPECT_FALSE(IsFuseMounted(dir));
}

TEST_F(RpuffsMountTest, SigtermUnmountsAndExitsZero) {
  std::string dir = NewMountPoint("s");
  auto daemon = MountForeground(dir);
  daemon->Signal(SIGTERM);
  EXPECT_TRUE(Exited(daemon->Wait(std::chrono::seconds(20)), 0)) << daemon->Output();
  EXPECT_FALSE(IsFuseMounted(dir));
}

TEST_F(RpuffsMountTest, ServerDownFailsWithClearMessage) {
  std::string dir = NewMountPoint("m");
  std::string out;
  std::string source = "127.0.0.1:" + std::to_string(FreeLoopbackPort());
  int status = MountDaemon(dir, {}, &out, source);
  EXPECT_EQ(status, 1) << out;
  EXPECT_NE(out.find("cannot reach rpuffsd"), std::string::npos) << out;
  EXPECT_FALSE(IsFuseMounted(dir));
}

struct BadCase {
  const char* what;
  std::vector<std::string> options;
  std::string volume;
  bool missing_dir;
  const char* message;
};

TEST_F(RpuffsMountTest, BadInputsFailWithOneLineReason) {
  const BadCase cases[] = {
      {"unknown volume", {}, "nope", false, "no volume 'nope'"},
      {"missing mount point", {}, "default", true, "mount point"},
      {"bad option value", {"attr_timeout=soon"}, "default", false, "attr_timeout"},
      {"unknown fuse option", {"frobnicate"}, "default", false, "frobnicate"},
  };
  for (const BadCase& c : cases) {
    std::string dir = c.missing_dir ? dir_->Sub("absent") : NewMountPoint(std::string("b") + c.what[0]);
    std::string out;
    int status = MountDaemon(dir, c.options, &out, server_->address() + "/" + c.volume);
    EXPECT_NE(status, 0) << c.what;
    EXPECT_NE(out.find(c.message), std::string::npos) << c.what << ": " << out;
    EXPECT_FALSE(IsFuseMounted(dir)) << c.what;
  }
}

TEST_F(RpuffsMountTest, TokenIsCheckedByTheServer) {
  RpuffsdProcess guarded({"--token", "s3cret"});
  std::string dir = NewMountPoint("t");
  std::string out;
  int status = MountDaemon(dir, {"token=wrong"}, &out, guarded.address());
  EXPECT_NE(status, 0);
  EXPECT_NE(out.find("refused the token"), std::string::npos) << out;
  EXPECT_FALSE(IsFuseMounted(dir));
  ASSERT_EQ(MountDaemon(dir, {"token=s3cret"}, &out, guarded.address()), 0) << out;
  EXPECT_TRUE(IsFuseMounted(dir));
  EXPECT_EQ(RunCommand({"/usr/bin/umount", dir}), 0);
}

TEST_F(RpuffsMountTest, MountTypeFuseRpuffsWorksThroughMountHelper) {
  std::string dir = NewMountPoint("helper");
  std::string out;
  std::string source = server_->address() + "/default";
  int status;
  struct stat st;
  if (stat("/usr/local/bin/rpuffs", &st) == 0) {
    status = RunCommand({"/usr/bin/mount", "-t", "fuse.rpuffs", source, dir, "-o", "attr_timeout=2"}, &out);
  } else {
    // Not installed: the helper mount(8) would run, with our build on PATH.
    std::string path = "PATH=" + BinaryPath("client/rpuffs") + ":/usr/sbin:/usr/bin:/sbin:/bin";
    status = RunCommand({"/usr/bin/env", path, "/usr/sbin/mount.fuse3", source, dir, "-t", "fuse.rpuffs", "-o",
                         "rw,attr_timeout=2"},
                        &out);
  }
  ASSERT_EQ(status, 0) << out;
  EXPECT_TRUE(IsFuseMounted(dir));
  ASSERT_TRUE(WriteFile(dir + "/via-helper", "x", false));
  EXPECT_EQ(RunCommand({"/usr/bin/umount", dir}), 0);
}

TEST_F(RpuffsMountTest, Kill9OfDaemonLeavesAtWorstENOTCONNAndFusermountWorks) {
  std::string dir = NewMountPoint("k");
  auto daemon = MountForeground(dir);
  daemon->Signal(SIGKILL);
  daemon->Wait();
  struct stat st;
  int rc = stat(dir.c_str(), &st);
  EXPECT_TRUE(rc == 0 || errno == ENOTCONN) << strerror(errno);
  EXPECT_EQ(RunCommand({"/usr/bin/fusermount3", "-u", dir}), 0);
  EXPECT_FALSE(IsFuseMounted(dir));
}

}  // namespace
}  // namespace rpuffs::testing
