// Crash recovery: a writer process is killed with SIGKILL at a random point
// of a stream of mutations; the reopened volume passes fsck and holds every
// file the writer had fsynced, with its exact content.
#include <signal.h>
#include <sys/wait.h>

#include <random>
#include <sstream>

#include "tests/storage/crash_content.h"
#include "tests/storage/volume_fixture.h"

namespace rpuffs::storage::testing {
namespace {

using rpuffs::testing::BinaryPath;
using rpuffs::testing::Subprocess;
using rpuffs::testing::TempDir;
using rpuffs::testing::WaitUntil;

// The highest "synced N" line in the writer's output, or -1.
long LastSynced(const std::string& output) {
  std::istringstream in(output);
  std::string word;
  long n = -1, last = -1;
  while (in >> word)
    if (word == "synced" && in >> n) last = n;
  return last;
}

TEST(CrashTest, KillDuringWritesLeavesConsistentVolumeWithSyncedData) {
  std::mt19937 rng(std::random_device{}());
  for (int round = 0; round < 3; ++round) {
    TempDir dir("rpuffs-crash");
    long target = 20 + static_cast<long>(rng() % 200);
    long synced = -1;
    {
      Subprocess writer({BinaryPath("tests/storage/storage_crash_writer"), dir.Sub("data"), std::to_string(round + 1)});
      ASSERT_TRUE(WaitUntil([&] { return LastSynced(writer.Output()) >= target || !writer.running(); },
                            std::chrono::seconds(60)))
          << writer.Output();
      ASSERT_TRUE(writer.running()) << "writer ended early: " << writer.Output();
      writer.Signal(SIGKILL);
      int status = writer.Wait();
      ASSERT_TRUE(WIFSIGNALED(status));
      synced = LastSynced(writer.Output());
    }
    ASSERT_GE(synced, target);
    auto store = Store::Open(dir.Sub("data"));
    ASSERT_TRUE(store.ok()) << store.status().message();
    Volume* v = store.value()->Find("default");
    auto findings = Fsck(v);
    ASSERT_TRUE(findings.ok());
    for (const auto& f : findings.value()) ADD_FAILURE() << "round " << round << ": " << f.kind << " " << f.detail;
    for (long i = 0; i <= synced; ++i) {
      auto a = v->Lookup(Caller{}, kRootIno, "f" + std::to_string(i));
      ASSERT_TRUE(a.ok()) << "f" << i << " lost after sync of " << synced;
      auto data = v->Read(a->ino, 0, kMaxIo);
      ASSERT_TRUE(data.ok());
      ASSERT_EQ(data.value(), CrashContent(i)) << "f" << i;
    }
    // The volume keeps working after recovery.
    EXPECT_TRUE(v->Mkdir(OpId{}, Caller{}, kRootIno, "after", 0755).ok());
  }
}

}  // namespace
}  // namespace rpuffs::storage::testing
