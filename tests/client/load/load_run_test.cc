// rpuffs-load against a real rpuffsd: every workload with 4 clients runs
// clean and reports exactly the work it did; a corrupted block is caught; a
// deadline ends an open-ended run by itself.
#include <gtest/gtest.h>

#include "tests/client/load/load_run_util.h"
#include "tests/support/rpuffsd_process.h"

namespace rpuffs::testing {
namespace {

class LoadRunTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { server_ = new RpuffsdProcess(); }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }

  LoadResult Run(const std::string& workload, std::vector<std::string> extra) {
    std::vector<std::string> args = {"--server", server_->address(), "--clients",
                                     "4",        "--workload",       workload};
    args.insert(args.end(), extra.begin(), extra.end());
    return RunLoadTool(args, dir_);
  }

  static void ExpectClean(const LoadResult& r) {
    EXPECT_EQ(r.code, 0) << r.output;
    EXPECT_EQ(Total(r.json, "errors"), 0) << r.json;
    EXPECT_EQ(Total(r.json, "mismatches"), 0) << r.json;
    EXPECT_EQ(Total(r.json, "stale_reads"), 0) << r.json;
    for (const char* key : {"tool", "version", "parameters", "clients", "workload", "duration_s",
                            "server", "elapsed_s", "operations", "ops_per_s", "mb_per_s",
                            "latency_us", "p50", "p90", "p99", "p99_9", "max", "errors"}) {
      EXPECT_TRUE(HasKey(r.json, key)) << key << " missing in " << r.json;
    }
    EXPECT_NE(r.json.find("\"clients\":4"), std::string::npos) << r.json;
  }

  static RpuffsdProcess* server_;
  TempDir dir_{"rpuffs-load-test"};
};

RpuffsdProcess* LoadRunTest::server_ = nullptr;

TEST_F(LoadRunTest, MdtestFourClientsTimesHundredFilesIsExactly400Creates) {
  LoadResult r = Run("mdtest", {"--files-per-client", "100"});
  ExpectClean(r);
  EXPECT_NE(r.json.find("\"workload\":\"mdtest\""), std::string::npos);
  for (const char* op :
       {"create", "close", "stat", "unlink", "shared.create", "shared.stat", "shared.unlink"}) {
    EXPECT_EQ(OpCount(r.json, op), 400) << op;
  }
  EXPECT_EQ(OpCount(r.json, "readdir"), 4);
  EXPECT_EQ(OpCount(r.json, "shared.readdir"), 4);
  EXPECT_EQ(OpCount(r.json, "mkdir"), 4);
  EXPECT_EQ(OpCount(r.json, "rmdir"), 4);
}

TEST_F(LoadRunTest, SeqioWritesAndReadsEveryMebibyteOnce) {
  LoadResult r = Run("seqio", {"--files-per-client", "2", "--file-size", "2M"});
  ExpectClean(r);
  EXPECT_EQ(OpCount(r.json, "create"), 8);
  EXPECT_EQ(OpCount(r.json, "write"), 16);  // 4 clients x 2 files x 2 MiB
  EXPECT_EQ(OpCount(r.json, "read"), 16);
  EXPECT_EQ(OpCount(r.json, "close"), 8);
  EXPECT_EQ(OpCount(r.json, "close.read"), 8);
  EXPECT_NE(r.json.find("\"name\":\"read\",\"count\":16,\"bytes\":16777216"), std::string::npos)
      << r.json;
}

TEST_F(LoadRunTest, RandioDoesExactlyOpsPerClientRandomBlocks) {
  LoadResult r = Run("randio", {"--ops", "100", "--files-per-client", "2", "--file-size", "256K"});
  ExpectClean(r);
  EXPECT_EQ(OpCount(r.json, "prep.create"), 8);
  EXPECT_EQ(OpCount(r.json, "read") + OpCount(r.json, "write"), 400) << r.json;
  EXPECT_GT(OpCount(r.json, "read"), 0);
  EXPECT_GT(OpCount(r.json, "write"), 0);
}

TEST_F(LoadRunTest, SmallfilesCreatesAndReadsBackEveryFile) {
  LoadResult r = Run("smallfiles", {"--files-per-client", "40"});
  ExpectClean(r);
  EXPECT_EQ(OpCount(r.json, "create"), 160);
  EXPECT_EQ(OpCount(r.json, "write"), 160);
  EXPECT_EQ(OpCount(r.json, "stat"), 160);
  EXPECT_EQ(OpCount(r.json, "read"), 160);
  EXPECT_EQ(OpCount(r.json, "mkdir"), 4);
  EXPECT_EQ(OpCount(r.json, "mkdir.sub"), 4 * 3);  // 3 subdirectories of 16 files each
  EXPECT_EQ(OpCount(r.json, "close.read"), 160);
  EXPECT_EQ(OpCount(r.json, "unlink"), 160);
}

TEST_F(LoadRunTest, MixedRunsExactlyOpsPerClientChoices) {
  LoadResult r = Run("mixed", {"--ops", "100", "--files-per-client", "8", "--file-size", "16K",
                               "--mix", "stat=1,read=1,write=1,create=1,readdir=1"});
  ExpectClean(r);
  auto n = [&](const char* op) { return std::max<int64_t>(0, OpCount(r.json, op)); };
  // Each choice starts with exactly one of these calls (read and write open first).
  EXPECT_EQ(n("stat") + n("open") + n("create") + n("readdir"), 400) << r.json;
  EXPECT_EQ(n("read") + n("write") - n("create"), n("open")) << r.json;
  EXPECT_EQ(OpCount(r.json, "unlink"), 32 + n("create"));
}

TEST_F(LoadRunTest, CoherenceReadersSeeEveryVersion) {
  LoadResult r = Run("coherence", {"--ops", "50"});
  ExpectClean(r);
  EXPECT_EQ(OpCount(r.json, "w.open"), 100);  // 2 pairs x 50 rounds
  EXPECT_EQ(OpCount(r.json, "r.read"), 100);
}

TEST_F(LoadRunTest, CorruptedBlockIsReportedAsMismatchAndFailsTheRun) {
  LoadResult r = Run("seqio", {"--file-size", "2M", "--inject-corruption"});
  EXPECT_EQ(r.code, 1) << r.output;
  EXPECT_EQ(Total(r.json, "mismatches"), 1) << r.json;
  EXPECT_EQ(Total(r.json, "errors"), 0) << r.json;
  EXPECT_NE(r.output.find("data mismatch"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("FAILED"), std::string::npos) << r.output;
}

TEST_F(LoadRunTest, DurationEndsAnOpenEndedRunByItself) {
  LoadResult r =
      Run("randio", {"--duration", "1", "--files-per-client", "1", "--file-size", "64K"});
  ExpectClean(r);
  EXPECT_NE(r.json.find("\"stopped_at_deadline\":true"), std::string::npos) << r.json;
  EXPECT_GT(OpCount(r.json, "read"), 0);
  EXPECT_EQ(OpCount(r.json, "unlink"), 4);  // cleanup still ran after the deadline
}

}  // namespace
}  // namespace rpuffs::testing
