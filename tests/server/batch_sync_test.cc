// Durable commits (fdatasyncs) the server asks storage for, counted at the
// storage boundary (CountingVolume) under a VolumeService in this process:
// a close after Fsync commits once, a synced Batch commits once however many
// ops and releases it holds, a write after a durable commit makes its close
// sync again, a failed Fsync keeps the close's sync. Also the 4 MiB data
// limit of a batch, which rpuffsd's message limit may hide.
#include <fcntl.h>

#include <cerrno>
#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "tests/server/batch_ops.h"
#include "tests/server/counting_store.h"

namespace rpuffs::testing {
namespace {

using Stub = v1::Volume::Stub;
constexpr int kMessageLimit = 8 << 20;

class BatchSyncTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<InProcessServer>(data_.path(), kMessageLimit);
    ASSERT_TRUE(server_->ok());
    client_ = std::make_unique<Client>(server_->address());
    ASSERT_EQ(client_->Connect().err(), 0);
  }

  struct File {
    uint64_t ino = 0;
    uint64_t fh = 0;
  };
  File NewFile(const std::string& name) {
    v1::CreateReply f = client_->Create(1, name);
    EXPECT_EQ(f.err(), 0);
    return File{f.attr().ino(), f.fh()};
  }
  void Write(const File& f, const std::string& data, bool sync = false) {
    v1::WriteRequest w;
    w.set_ino(f.ino);
    w.set_fh(f.fh);
    w.set_data(data);
    w.set_sync(sync);
    EXPECT_EQ(client_->Must(&Stub::Write, w, "Write").err(), 0);
  }
  uint64_t commits() { return server_->volume().durable_commits(); }

  TempDir data_{"rpuffs-batch-sync"};
  std::unique_ptr<InProcessServer> server_;
  std::unique_ptr<Client> client_;
};

TEST_F(BatchSyncTest, CloseOfAWrittenHandleSyncs) {
  File f = NewFile("f");
  Write(f, "data");
  EXPECT_EQ(commits(), 0u);
  EXPECT_EQ(client_->Release(f.ino, f.fh).err(), 0);
  EXPECT_EQ(commits(), 1u);
}

TEST_F(BatchSyncTest, CloseAfterFsyncDoesNotSyncAgain) {
  File f = NewFile("f");
  File g = NewFile("g");
  Write(f, "data");
  Write(g, "data");
  EXPECT_EQ(client_->Fsync(f.ino, f.fh).err(), 0);
  EXPECT_EQ(commits(), 1u);
  EXPECT_EQ(client_->Release(f.ino, f.fh).err(), 0);
  EXPECT_EQ(client_->Release(g.ino, g.fh).err(), 0) << "the fsync of f covered g's write too";
  EXPECT_EQ(commits(), 1u);
}

TEST_F(BatchSyncTest, WriteAfterFsyncMakesTheCloseSyncAgain) {
  File f = NewFile("f");
  Write(f, "one");
  EXPECT_EQ(client_->Fsync(f.ino, f.fh).err(), 0);
  Write(f, "two");
  EXPECT_EQ(client_->Release(f.ino, f.fh).err(), 0);
  EXPECT_EQ(commits(), 2u);
}

TEST_F(BatchSyncTest, SyncedWriteCoversTheClose) {
  File f = NewFile("f");
  Write(f, "one", /*sync=*/true);
  EXPECT_EQ(commits(), 1u);
  EXPECT_EQ(client_->Release(f.ino, f.fh).err(), 0);
  EXPECT_EQ(commits(), 1u);
}

TEST_F(BatchSyncTest, FailedFsyncKeepsTheCloseSync) {
  File f = NewFile("f");
  Write(f, "data");
  EXPECT_EQ(client_->Fsync(1ull << 40, f.fh).err(), ESTALE);
  EXPECT_EQ(commits(), 0u);
  EXPECT_EQ(client_->Release(f.ino, f.fh).err(), 0);
  EXPECT_EQ(commits(), 1u);
}

TEST_F(BatchSyncTest, SyncedBatchCommitsOnceForAllItsOps) {
  File f = NewFile("f");
  File g = NewFile("g");
  v1::BatchReply rep = SendBatch(*client_, MakeBatch(*client_, {
      WriteOp(f.ino, f.fh, 0, "ff"),
      WriteOp(g.ino, g.fh, 0, "gg"),
      ChmodOp(f.ino, 0600),
      ReleaseOp(f.ino, f.fh),
      ReleaseOp(g.ino, g.fh),
  }, /*sync=*/true));
  ExpectAllApplied(rep, 5);
  EXPECT_EQ(commits(), 1u);
}

TEST_F(BatchSyncTest, SyncedBatchCoversHandlesWrittenBefore) {
  File f = NewFile("f");
  Write(f, "data");
  v1::BatchReply rep = SendBatch(*client_, MakeBatch(*client_, {}, /*sync=*/true));
  EXPECT_EQ(rep.err(), 0);
  EXPECT_EQ(commits(), 1u);
  EXPECT_EQ(client_->Release(f.ino, f.fh).err(), 0);
  EXPECT_EQ(commits(), 1u);
}

TEST_F(BatchSyncTest, UnsyncedBatchReleaseOfAWrittenHandleSyncsAsRelease) {
  File f = NewFile("f");
  File g = NewFile("g");
  v1::BatchReply rep = SendBatch(*client_, MakeBatch(*client_, {
      WriteOp(f.ino, f.fh, 0, "ff"),
      ReleaseOp(f.ino, f.fh),
      ReleaseOp(g.ino, g.fh),  // never written: no sync
  }));
  ASSERT_EQ(rep.err(), 0);
  ASSERT_EQ(rep.results_size(), 3);
  EXPECT_EQ(rep.results(1).err(), 0);
  EXPECT_EQ(rep.results(2).err(), 0);
  EXPECT_EQ(commits(), 1u);
}

TEST_F(BatchSyncTest, SyncOfAWriteOpIsIgnored) {
  File f = NewFile("f");
  v1::BatchOp op = WriteOp(f.ino, 0, 0, "ff");  // no handle: its close would not sync either
  op.mutable_write()->set_sync(true);
  ExpectAllApplied(SendBatch(*client_, MakeBatch(*client_, {op})), 1);
  EXPECT_EQ(commits(), 0u);
}

TEST_F(BatchSyncTest, WriteDataOverFourMiBIsRefusedWhole) {
  File f = NewFile("f");
  const std::string mib(1 << 20, 'm');
  std::vector<v1::BatchOp> ops(4, WriteOp(f.ino, f.fh, 0, mib));
  for (size_t i = 0; i < ops.size(); ++i) ops[i].mutable_write()->set_offset(i << 20);
  v1::BatchReply rep = SendBatch(*client_, MakeBatch(*client_, ops));
  ASSERT_EQ(rep.err(), 0) << "exactly 4 MiB";
  ASSERT_EQ(rep.results_size(), 4);
  for (const auto& r : rep.results()) EXPECT_EQ(r.count(), 1u << 20);

  ops.push_back(WriteOp(f.ino, f.fh, 4 << 20, "x"));
  rep = SendBatch(*client_, MakeBatch(*client_, ops));
  EXPECT_EQ(rep.err(), EINVAL) << "4 MiB + 1 byte";
  EXPECT_EQ(rep.results_size(), 0);
  EXPECT_EQ(client_->GetAttr(f.ino).attr().size(), 4u << 20);
}

}  // namespace
}  // namespace rpuffs::testing
