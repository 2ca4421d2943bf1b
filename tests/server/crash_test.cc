// kill -9 of a real rpuffsd during a stream of creates, writes and fsyncs:
// after a restart on the same data dir every acknowledged fsync'd file is
// there with its bytes, and fsck of the volume finds nothing.
#include <signal.h>
#include <sys/wait.h>

#include <atomic>
#include <mutex>
#include <thread>

#include <gtest/gtest.h>

#include "storage/store.h"
#include "tests/server/batch_ops.h"
#include "tests/server/rpuffsd_harness.h"

namespace rpuffs::testing {
namespace {

using std::chrono::seconds;

std::string Contents(int i) {
  std::string s = "file " + std::to_string(i) + " ";
  while (s.size() < 3000 + static_cast<size_t>(i % 7) * 1000) s += std::to_string(i * 7919);
  return s;
}

// Creates, writes and fsyncs files until a call fails; records each file whose
// fsync was acknowledged.
class Writer {
 public:
  explicit Writer(const std::string& address) : client_(address) {}
  // Connects, starts writing, and waits until `n` files are acknowledged.
  bool StartAndWaitFor(int n) {
    if (client_.Connect().err() != 0) return false;
    thread_ = std::thread([this] { Run(); });
    return WaitUntil([&] { return acknowledged() >= n; }, seconds(60));
  }
  void Join() {
    if (thread_.joinable()) thread_.join();
  }
  ~Writer() {
    stop_ = true;
    Join();
  }
  int acknowledged() const { return acknowledged_.load(); }

 private:
  void Run() {
    for (int i = 0; i < 100000 && !stop_; ++i) {
      std::string name = "f" + std::to_string(i);
      v1::CreateRequest create;
      create.set_parent(1);
      create.set_name(name);
      create.set_mode(0644);
      create.set_flags(O_RDWR | O_CREAT | O_EXCL);
      v1::CreateReply f;
      if (!client_.Call(&v1::Volume::Stub::Create, create, &f).ok() || f.err() != 0) return;
      v1::WriteRequest w;
      w.set_ino(f.attr().ino());
      w.set_fh(f.fh());
      w.set_data(Contents(i));
      v1::WriteReply wr;
      if (!client_.Call(&v1::Volume::Stub::Write, w, &wr).ok() || wr.err() != 0) return;
      v1::FsyncRequest fs;
      fs.set_ino(f.attr().ino());
      fs.set_fh(f.fh());
      v1::ErrReply fr;
      if (!client_.Call(&v1::Volume::Stub::Fsync, fs, &fr).ok() || fr.err() != 0) return;
      acknowledged_ = i + 1;
    }
  }

  Client client_;
  std::thread thread_;
  std::atomic<bool> stop_{false};
  std::atomic<int> acknowledged_{0};
};

// kill -9, and waits until it is dead.
void KillNine(Rpuffsd& server) {
  server.process().Signal(SIGKILL);
  int status = server.process().Wait(seconds(10));
  ASSERT_TRUE(status != -1 && WIFSIGNALED(status));
}

// Opens the data dir directly (no server running) and fscks volume default.
void ExpectFsckClean(const std::string& dir) {
  auto store = storage::Store::Open(dir);
  ASSERT_TRUE(store.ok()) << store.status().message();
  storage::Volume* volume = store.value()->Find("default");
  ASSERT_NE(volume, nullptr);
  auto findings = storage::Fsck(volume);
  ASSERT_TRUE(findings.ok()) << findings.status().message();
  for (const auto& f : findings.value()) ADD_FAILURE() << f.kind << ": " << f.detail;
  EXPECT_TRUE(findings.value().empty());
}

// Restarts rpuffsd on `dir`: file `name` in the root holds `contents` (and
// has permission bits `mode` unless 0); then stops it cleanly.
void ExpectAfterRestart(const std::string& dir, const std::string& name, const std::string& contents,
                        uint32_t mode = 0) {
  Rpuffsd server(dir);
  ASSERT_TRUE(server.WaitServing()) << server.process().Output();
  Client client(server.address());
  ASSERT_EQ(client.Connect().err(), 0);
  v1::EntryReply e = client.Lookup(1, name);
  ASSERT_EQ(e.err(), 0) << name;
  EXPECT_EQ(e.attr().size(), contents.size());
  if (mode != 0) EXPECT_EQ(e.attr().mode() & 07777, mode);
  EXPECT_TRUE(client.Read(e.attr().ino(), 0, 0, 1 << 20).data() == contents) << "contents of " << name;
  EXPECT_TRUE(StoppedCleanly(server.process())) << server.process().Output();
}

TEST(RpuffsdCrash, KillNineKeepsEveryAcknowledgedFsync) {
  TempDir data;
  int acknowledged = 0;
  {
    Rpuffsd server(data.path());
    ASSERT_TRUE(server.WaitServing()) << server.process().Output();
    Writer writer(server.address());
    ASSERT_TRUE(writer.StartAndWaitFor(40));
    ASSERT_NO_FATAL_FAILURE(KillNine(server));
    writer.Join();  // its next call fails once the server is gone
    acknowledged = writer.acknowledged();
  }
  {
    Rpuffsd server(data.path());
    ASSERT_TRUE(server.WaitServing()) << server.process().Output();
    Client client(server.address());
    ASSERT_EQ(client.Connect().err(), 0);
    for (int i = 0; i < acknowledged; ++i) {
      v1::EntryReply e = client.Lookup(1, "f" + std::to_string(i));
      ASSERT_EQ(e.err(), 0) << "acknowledged file f" << i << " is missing";
      std::string want = Contents(i);
      EXPECT_EQ(e.attr().size(), want.size()) << i;
      EXPECT_TRUE(client.Read(e.attr().ino(), 0, 0, 1 << 20).data() == want) << "contents of f" << i;
    }
    ASSERT_TRUE(StoppedCleanly(server.process())) << server.process().Output();
  }
  ExpectFsckClean(data.path());
}

TEST(RpuffsdCrash, SigtermDuringWritesExitsZeroAndLeavesConsistentVolume) {
  TempDir data;
  Rpuffsd server(data.path());
  ASSERT_TRUE(server.WaitServing()) << server.process().Output();
  Writer writer(server.address());
  ASSERT_TRUE(writer.StartAndWaitFor(10));
  EXPECT_TRUE(StoppedCleanly(server.process())) << server.process().Output();
  writer.Join();
  ExpectFsckClean(data.path());
}

TEST(RpuffsdCrash, SyncWriteIsAnsweredAndSurvivesKillNine) {
  TempDir data;
  const std::string contents = Contents(3);
  {
    Rpuffsd server(data.path());
    ASSERT_TRUE(server.WaitServing()) << server.process().Output();
    Client client(server.address());
    ASSERT_EQ(client.Connect().err(), 0);
    v1::CreateReply f = client.Create(1, "synced");
    ASSERT_EQ(f.err(), 0);
    v1::WriteRequest w;
    w.set_ino(f.attr().ino());
    w.set_fh(f.fh());
    w.set_data(contents);
    w.set_sync(true);
    v1::WriteReply rep = client.Must(&v1::Volume::Stub::Write, w, "Write");
    ASSERT_EQ(rep.err(), 0);
    EXPECT_EQ(rep.count(), contents.size());
    EXPECT_EQ(rep.attr().size(), contents.size());
    ASSERT_NO_FATAL_FAILURE(KillNine(server));
  }
  ExpectAfterRestart(data.path(), "synced", contents);
}

TEST(RpuffsdCrash, SyncedBatchSurvivesKillNine) {
  TempDir data;
  const std::string contents = Contents(5);
  {
    Rpuffsd server(data.path());
    ASSERT_TRUE(server.WaitServing()) << server.process().Output();
    Client client(server.address());
    ASSERT_EQ(client.Connect().err(), 0);
    v1::CreateReply f = client.Create(1, "batched");
    ASSERT_EQ(f.err(), 0);
    const uint64_t ino = f.attr().ino();
    v1::BatchReply rep = SendBatch(client, MakeBatch(client, {
        WriteOp(ino, f.fh(), 0, contents.substr(0, 1000)),
        WriteOp(ino, f.fh(), 1000, contents.substr(1000)),
        ChmodOp(ino, 0600),
        ReleaseOp(ino, f.fh()),
    }, /*sync=*/true));
    ExpectAllApplied(rep, 4);
    ASSERT_FALSE(HasFailure());
    ASSERT_NO_FATAL_FAILURE(KillNine(server));
  }
  ExpectAfterRestart(data.path(), "batched", contents, 0600);
  ExpectFsckClean(data.path());
}

}  // namespace
}  // namespace rpuffs::testing
