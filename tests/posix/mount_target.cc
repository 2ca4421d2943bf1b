#include "tests/posix/mount_target.h"

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

#include <gtest/gtest.h>

namespace rpuffs::posix {
namespace {
constexpr auto kMountDeadline = std::chrono::seconds(15);
constexpr auto kExitDeadline = std::chrono::seconds(15);
}  // namespace

bool WaitForMount(testing::Subprocess& daemon, const std::string& mountpoint, const char* what) {
  bool mounted = testing::WaitUntil(
      [&] { return testing::IsFuseMounted(mountpoint) || !daemon.running(); }, kMountDeadline);
  if (mounted && testing::IsFuseMounted(mountpoint)) return true;
  ADD_FAILURE() << what << " did not mount " << mountpoint
                << (daemon.running() ? " within the deadline" : " (daemon exited)")
                << "; output:\n" << daemon.Output();
  return false;
}

void ExpectCleanExit(testing::Subprocess& process, const char* what) {
  int status = process.Wait(kExitDeadline);
  EXPECT_NE(status, -1) << what << " did not exit within the deadline; output:\n" << process.Output();
  if (status == -1) return;
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
      << what << " ended with wait status " << status << "; output:\n" << process.Output();
}

void UnmountAndReap(testing::Subprocess& daemon, const std::string& mountpoint, const char* what) {
  std::string output;
  int rc = testing::RunCommand({"/usr/bin/fusermount3", "-u", mountpoint}, &output);
  EXPECT_EQ(rc, 0) << "fusermount3 -u " << mountpoint << ": " << output;
  ExpectCleanExit(daemon, what);
  EXPECT_FALSE(testing::IsFuseMounted(mountpoint)) << mountpoint << " is still mounted";
}

bool BinaryIsBuilt(const std::string& path) {
  if (access(path.c_str(), X_OK) == 0) return true;
  ADD_FAILURE() << path << " is not built";
  return false;
}

bool MakeMountPoint(const testing::TempDir& dir, std::string* mountpoint,
                    std::unique_ptr<testing::MountGuard>* guard) {
  *mountpoint = dir.Sub("mnt");
  // The unprivileged children of the permission tests must reach the mount
  // point through the temp dir, which mkdtemp made 0700.
  if (!OpenRootToOthers(dir.path())) return false;
  if (mkdir(mountpoint->c_str(), 0755) != 0) {
    ADD_FAILURE() << "mkdir " << *mountpoint << ": " << strerror(errno);
    return false;
  }
  *guard = std::make_unique<testing::MountGuard>(*mountpoint);
  return true;
}

bool OpenRootToOthers(const std::string& root) {
  if (chmod(root.c_str(), 0755) == 0) return true;
  ADD_FAILURE() << "chmod 0755 " << root << ": " << strerror(errno);
  return false;
}

}  // namespace rpuffs::posix
