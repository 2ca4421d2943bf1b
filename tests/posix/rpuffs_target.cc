// The `rpuffs` target — EXTENSION POINT for the remote mount: rpuffsd serving
// a fresh data dir on a free loopback port, and `rpuffs HOST:PORT/default MNT
// -f -o allow_other` mounting its default volume. Registered as a ctest only
// when both binaries are targets of the build (tests/posix/CMakeLists.txt).
#include <unistd.h>

#include <csignal>
#include <exception>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tests/posix/mount_target.h"
#include "tests/posix/posix_target.h"
#include "tests/support/rpuffsd_process.h"
#include "tests/support/test_support.h"

namespace rpuffs::posix {
namespace {

class RpuffsTarget : public Target {
 public:
  bool Start() override {
    const std::string server_bin = testing::BinaryPath("server/rpuffsd");
    const std::string client_bin = testing::BinaryPath("client/rpuffs/rpuffs");
    if (!BinaryIsBuilt(server_bin) || !BinaryIsBuilt(client_bin)) return false;
    return StartServer() && StartClient(client_bin) && OpenRootToOthers(root_);
  }

  void Stop() override {
    if (client_) UnmountAndReap(*client_, root_, "rpuffs");
    if (server_) {
      server_->Signal(SIGTERM);
      ExpectCleanExit(server_->process(), "rpuffsd");
    }
  }

  const std::string& Root() const override { return root_; }
  // A volume without a capacity option reports the free blocks of the disk
  // under the server's data dir (storage/ops/statfs.cc), which other
  // processes share; its inode counters are the volume's own.
  bool OwnsBlockCounts() const override { return false; }
  bool OwnsFileCounts() const override { return true; }
  const char* Name() const override { return "rpuffs"; }

 private:
  bool StartServer() {
    try {
      server_ = std::make_unique<testing::RpuffsdProcess>();
    } catch (const std::exception& e) {
      ADD_FAILURE() << e.what();
      return false;
    }
    address_ = server_->address();
    return true;
  }

  bool StartClient(const std::string& binary) {
    if (!MakeMountPoint(dir_, &root_, &guard_)) return false;
    client_ = std::make_unique<testing::Subprocess>(
        std::vector<std::string>{binary, address_ + "/default", root_, "-f", "-o", "allow_other"});
    return WaitForMount(*client_, root_, "rpuffs");
  }

  // Destroyed in reverse: client (SIGTERM), server, leftover mount, temp dir.
  testing::TempDir dir_{"rpuffs-posix-remote"};
  std::unique_ptr<testing::MountGuard> guard_;
  std::unique_ptr<testing::RpuffsdProcess> server_;
  std::unique_ptr<testing::Subprocess> client_;
  std::string address_;
  std::string root_;
};

}  // namespace

std::unique_ptr<Target> MakeRpuffsTarget() { return std::make_unique<RpuffsTarget>(); }

}  // namespace rpuffs::posix
