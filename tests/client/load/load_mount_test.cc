// rpuffs-load --mounts through the kernel: mdtest and seqio on an
// rpuffs-memfs mount (skipped when rpuffs-memfs is not built), and on a
// plain local directory, which needs nothing but the kernel.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tests/client/load/load_run_util.h"

namespace rpuffs::testing {
namespace {

TEST(LoadMountTest, LocalDirectoryRunsMdtestWithExactCounts) {
  TempDir dir("rpuffs-load-local");
  LoadResult r = RunLoadTool({"--mounts", dir.path(), "--clients", "4", "--workload", "mdtest",
                              "--files-per-client", "50"},
                             dir);
  EXPECT_EQ(r.code, 0) << r.output;
  EXPECT_EQ(OpCount(r.json, "create"), 200) << r.json;
  EXPECT_EQ(OpCount(r.json, "shared.readdir"), 4) << r.json;
  EXPECT_EQ(Total(r.json, "errors"), 0) << r.json;
}

TEST(LoadMountTest, MemfsMountRunsMdtestAndSeqioClean) {
  std::string binary = BinaryPath("client/memfs/rpuffs-memfs");
  if (access(binary.c_str(), X_OK) != 0) GTEST_SKIP() << binary << " is not built";
  TempDir dir("rpuffs-load-memfs");
  std::string mnt = dir.Sub("mnt");
  ASSERT_EQ(mkdir(mnt.c_str(), 0755), 0);
  MountGuard guard(mnt);
  Subprocess daemon({binary, mnt, "-f"});
  ASSERT_TRUE(
      WaitUntil([&] { return IsFuseMounted(mnt) || !daemon.running(); }, std::chrono::seconds(15)));
  ASSERT_TRUE(IsFuseMounted(mnt)) << daemon.Output();

  LoadResult md = RunLoadTool(
      {"--mounts", mnt, "--clients", "4", "--workload", "mdtest", "--files-per-client", "50"}, dir);
  EXPECT_EQ(md.code, 0) << md.output;
  EXPECT_EQ(OpCount(md.json, "create"), 200) << md.json;
  EXPECT_EQ(OpCount(md.json, "shared.create"), 200) << md.json;

  LoadResult io = RunLoadTool(
      {"--mounts", mnt, "--clients", "4", "--workload", "seqio", "--file-size", "2M"}, dir);
  EXPECT_EQ(io.code, 0) << io.output;
  EXPECT_EQ(OpCount(io.json, "read"), 8) << io.json;
  EXPECT_EQ(Total(io.json, "mismatches"), 0) << io.json;
}

}  // namespace
}  // namespace rpuffs::testing
