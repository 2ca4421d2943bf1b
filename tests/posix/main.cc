// rpuffs_posix_suite: the application-level POSIX suite. Usage:
//   rpuffs_posix_suite [--target=local|memfs|rpuffs] [gtest flags]
// The target may also come from $RPUFFS_POSIX_TARGET; the flag wins; the
// default is `local`. One target (one mount) serves the whole run.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "tests/posix/posix_target.h"

namespace {

class TargetEnvironment : public ::testing::Environment {
 public:
  explicit TargetEnvironment(std::unique_ptr<rpuffs::posix::Target> target) : target_(std::move(target)) {}
  void SetUp() override {
    rpuffs::posix::SetCurrentTarget(target_.get());
    // A fatal failure here makes gtest skip every test instead of running
    // them against a half-made target.
    if (!target_->Start()) GTEST_FAIL() << "target " << target_->Name() << " did not start";
  }
  void TearDown() override {
    target_->Stop();
    target_.reset();  // leftover processes, mounts and dirs go now, not at exit
  }

 private:
  std::unique_ptr<rpuffs::posix::Target> target_;
};

}  // namespace

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  const char* env = getenv("RPUFFS_POSIX_TARGET");
  std::string name = env && *env ? env : "local";
  for (int i = 1; i < argc; ++i) {
    if (strncmp(argv[i], "--target=", 9) == 0) {
      name = argv[i] + 9;
    } else if (strcmp(argv[i], "--target") == 0 && i + 1 < argc) {
      name = argv[++i];
    } else {
      fprintf(stderr, "rpuffs_posix_suite: unknown argument %s\n", argv[i]);
      return 2;
    }
  }
  auto target = rpuffs::posix::MakeTarget(name);
  if (!target) {
    fprintf(stderr, "rpuffs_posix_suite: unknown target '%s' (local, memfs, rpuffs)\n", name.c_str());
    return 2;
  }
  fprintf(stderr, "rpuffs_posix_suite: target %s\n", name.c_str());
  ::testing::AddGlobalTestEnvironment(new TargetEnvironment(std::move(target)));
  return RUN_ALL_TESTS();
}
