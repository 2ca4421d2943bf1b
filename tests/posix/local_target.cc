// The `local` target (a temp dir on the local disk) and the target registry.
#include <memory>
#include <string>

#include "tests/posix/mount_target.h"
#include "tests/posix/posix_target.h"
#include "tests/support/test_support.h"

namespace rpuffs::posix {
namespace {

const Target* g_current = nullptr;

// The suite against the kernel's own filesystem (ext4 or tmpfs under $TMPDIR):
// every test must pass here, which is what proves the suite right.
class LocalTarget : public Target {
 public:
  bool Start() override {
    dir_ = std::make_unique<testing::TempDir>("rpuffs-posix-local");
    root_ = dir_->path();
    return OpenRootToOthers(root_);  // mkdtemp makes it 0700
  }
  void Stop() override { dir_.reset(); }
  const std::string& Root() const override { return root_; }
  // Other processes (compilers, other suites) write to the same disk.
  bool OwnsBlockCounts() const override { return false; }
  bool OwnsFileCounts() const override { return false; }
  const char* Name() const override { return "local"; }

 private:
  std::unique_ptr<testing::TempDir> dir_;
  std::string root_;
};

}  // namespace

std::unique_ptr<Target> MakeTarget(const std::string& name) {
  if (name == "local") return std::make_unique<LocalTarget>();
  if (name == "memfs") return MakeMemfsTarget();
  if (name == "rpuffs") return MakeRpuffsTarget();
  return nullptr;
}

const Target& CurrentTarget() { return *g_current; }
void SetCurrentTarget(const Target* target) { g_current = target; }

}  // namespace rpuffs::posix
