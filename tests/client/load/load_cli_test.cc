// rpuffs-load's command line: help, refusals with a one-line reason, and a
// server that is not there.
#include <gtest/gtest.h>

#include "tests/client/load/load_run_util.h"

namespace rpuffs::testing {
namespace {

class LoadCliTest : public ::testing::Test {
 protected:
  LoadResult Run(const std::vector<std::string>& args) { return RunLoadTool(args, dir_, false); }
  TempDir dir_{"rpuffs-load-cli"};
};

TEST_F(LoadCliTest, HelpListsFlagsAndWorkloads) {
  LoadResult r = Run({"--help"});
  EXPECT_EQ(r.code, 0) << r.output;
  for (const char* want : {"--server", "--mounts", "--clients", "--workload", "--duration", "--ops",
                           "--json", "--seed", "mdtest", "coherence"}) {
    EXPECT_NE(r.output.find(want), std::string::npos) << want;
  }
  EXPECT_EQ(r.output.find("inject"), std::string::npos) << "the test-only flag stays hidden";
}

TEST_F(LoadCliTest, UnknownFlagIsRefusedWithItsName) {
  LoadResult r = Run({"--server", "127.0.0.1:1", "--workload", "mdtest", "--bogus"});
  EXPECT_EQ(r.code, 2) << r.output;
  EXPECT_NE(r.output.find("--bogus"), std::string::npos) << r.output;
}

TEST_F(LoadCliTest, UnknownWorkloadIsRefusedBeforeConnecting) {
  LoadResult r = Run({"--server", "127.0.0.1:1", "--workload", "fio"});
  EXPECT_EQ(r.code, 2) << r.output;
  EXPECT_NE(r.output.find("unknown workload 'fio'"), std::string::npos) << r.output;
}

TEST_F(LoadCliTest, ServerAndMountsTogetherAreRefused) {
  LoadResult r = Run({"--server", "127.0.0.1:1", "--mounts", "/tmp", "--workload", "mdtest"});
  EXPECT_EQ(r.code, 2) << r.output;
  EXPECT_NE(r.output.find("exactly one of --server or --mounts"), std::string::npos) << r.output;
}

TEST_F(LoadCliTest, DeadServerFailsFastWithAClearReason) {
  std::string address = "127.0.0.1:" + std::to_string(FreeLoopbackPort());
  LoadResult r = Run({"--server", address, "--clients", "4", "--workload", "mdtest"});
  EXPECT_EQ(r.code, 1) << r.output;
  EXPECT_NE(r.output.find("cannot reach rpuffsd at " + address), std::string::npos) << r.output;
}

TEST_F(LoadCliTest, MissingMountDirectoryIsRefused) {
  LoadResult r = Run({"--mounts", dir_.Sub("absent"), "--workload", "mdtest"});
  EXPECT_EQ(r.code, 1) << r.output;
  EXPECT_NE(r.output.find("cannot use mount"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace rpuffs::testing
