// The `memfs` target: rpuffs-memfs (the puffs framework's in-memory example)
// mounted in the foreground under a temp dir for the whole run.
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tests/posix/mount_target.h"
#include "tests/posix/posix_target.h"
#include "tests/support/test_support.h"

namespace rpuffs::posix {
namespace {

class MemfsTarget : public Target {
 public:
  bool Start() override {
    const std::string binary = testing::BinaryPath("client/memfs/rpuffs-memfs");
    if (!BinaryIsBuilt(binary) || !MakeMountPoint(dir_, &root_, &guard_)) return false;
    // rpuffs-memfs adds default_permissions itself; allow_other lets the
    // unprivileged children of the permission tests in.
    daemon_ = std::make_unique<testing::Subprocess>(
        std::vector<std::string>{binary, root_, "-f", "-o", "allow_other"});
    return WaitForMount(*daemon_, root_, "rpuffs-memfs") && OpenRootToOthers(root_);
  }

  void Stop() override {
    if (daemon_) UnmountAndReap(*daemon_, root_, "rpuffs-memfs");
  }

  const std::string& Root() const override { return root_; }
  bool OwnsBlockCounts() const override { return true; }
  bool OwnsFileCounts() const override { return true; }
  const char* Name() const override { return "memfs"; }

 private:
  // Destroyed in reverse: the daemon gets SIGTERM first, then any mount left
  // is lazily unmounted, then the temp dir goes.
  testing::TempDir dir_{"rpuffs-posix-memfs"};
  std::unique_ptr<testing::MountGuard> guard_;
  std::unique_ptr<testing::Subprocess> daemon_;
  std::string root_;
};

}  // namespace

std::unique_ptr<Target> MakeMemfsTarget() { return std::make_unique<MemfsTarget>(); }

}  // namespace rpuffs::posix
