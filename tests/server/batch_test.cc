// Batch through a real rpuffsd: ops applied in order with their own
// credentials and results, replay applies once, the whole-batch limits,
// empty batches, malformed ops, and the change notices other sessions get.
// (Durable-commit counting and the 4 MiB limit: batch_sync_test.cc; kill -9
// after a synced batch: crash_test.cc.)
#include <fcntl.h>
#include <sys/stat.h>

#include <cerrno>
#include <memory>
#include <limits>

#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>

#include "tests/server/batch_ops.h"
#include "tests/server/protocol_fixture.h"
#include "tests/server/watch_stream.h"

namespace rpuffs::testing {
namespace {

using Stub = v1::Volume::Stub;
constexpr uint32_t kOwner = 1000;
constexpr uint32_t kStranger = 2000;

struct File {
  uint64_t ino = 0;
  uint64_t fh = 0;
};

class BatchTest : public ProtocolTest {
 protected:
  // A file created (and opened) by root, then given to `owner` with `mode`.
  File OwnedFile(const std::string& name, uint32_t owner, uint32_t mode) {
    v1::CreateReply f = client().Create(dir(), name);
    EXPECT_EQ(f.err(), 0);
    v1::SetAttrRequest req;
    req.set_ino(f.attr().ino());
    req.set_valid(v1::SET_UID | v1::SET_GID | v1::SET_MODE);
    req.set_uid(owner);
    req.set_gid(owner);
    req.set_mode(mode);
    EXPECT_EQ(client().Must(&Stub::SetAttr, req, "SetAttr").err(), 0);
    return File{f.attr().ino(), f.fh()};
  }

  v1::Attr AttrOf(uint64_t ino) {
    v1::AttrReply a = client().GetAttr(ino);
    EXPECT_EQ(a.err(), 0);
    return a.attr();
  }
};

TEST_F(BatchTest, OpsApplyInOrderEachWithItsResult) {
  // The write clears S_ISUID (non-owner-root writer); the chmod after it sets
  // it again; the write's mtime is replaced by the later setattr's.
  File f = OwnedFile("f", kOwner, 04755);
  v1::BatchReply rep = SendBatch(client(), MakeBatch(client(), {
      WriteOp(f.ino, f.fh, 0, "hello", kOwner),
      ChmodOp(f.ino, 04755, kOwner),
      SetAttrOp(f.ino, v1::SET_MTIME, 0, kOwner, 0, 1234567),
      ReleaseOp(f.ino, f.fh, kOwner),
  }));
  ExpectAllApplied(rep, 4);
  ASSERT_EQ(rep.results_size(), 4);
  EXPECT_EQ(rep.results(0).count(), 5u);
  EXPECT_EQ(rep.results(0).attr().size(), 5u);
  EXPECT_EQ(rep.results(0).attr().mode() & 07777, 0755u) << "the write ran first and cleared S_ISUID";
  EXPECT_EQ(rep.results(1).attr().mode() & 07777, 04755u);
  EXPECT_EQ(rep.results(2).attr().mtime().sec(), 1234567);

  v1::Attr a = AttrOf(f.ino);
  EXPECT_EQ(a.mode() & 07777, 04755u);
  EXPECT_EQ(a.mtime().sec(), 1234567);
  EXPECT_EQ(a.size(), 5u);
  EXPECT_EQ(client().Read(f.ino, 0, 0, 100).data(), "hello");
  // The release applied: the handle is gone.
  EXPECT_EQ(client().Release(f.ino, f.fh).err(), EBADF);
}

TEST_F(BatchTest, EachOpRunsWithItsOwnCredentials) {
  File f = OwnedFile("f", kOwner, 0644);
  v1::BatchReply rep = SendBatch(client(), MakeBatch(client(), {
      ChmodOp(f.ino, 0600, kStranger),
      ChmodOp(f.ino, 0640, kOwner),
      SetAttrOp(f.ino, v1::SET_UID, 0, kOwner, kStranger),  // chown by a non-root owner
      WriteOp(f.ino, f.fh, 0, "x", kStranger),
  }));
  ASSERT_EQ(rep.err(), 0);
  ASSERT_EQ(rep.results_size(), 4);
  EXPECT_EQ(rep.results(0).err(), EPERM);
  EXPECT_EQ(rep.results(1).err(), 0);
  EXPECT_EQ(rep.results(2).err(), EPERM);
  EXPECT_EQ(rep.results(3).err(), 0);
  v1::Attr a = AttrOf(f.ino);
  EXPECT_EQ(a.mode() & 07777, 0640u);
  EXPECT_EQ(a.uid(), kOwner);
  EXPECT_EQ(a.size(), 1u);
}

TEST_F(BatchTest, FailingOpsDoNotStopTheOthers) {
  File f = OwnedFile("f", 0, 0644);
  v1::BatchOp empty;
  v1::BatchOp headless = ChmodOp(f.ino, 0600);
  headless.mutable_setattr()->clear_hdr();
  v1::BatchOp headless_write = WriteOp(f.ino, f.fh, 0, "lost");
  headless_write.mutable_write()->clear_hdr();
  v1::BatchOp headless_release = ReleaseOp(f.ino, f.fh);
  headless_release.mutable_release()->clear_hdr();
  v1::BatchReply rep = SendBatch(client(), MakeBatch(client(), {
      empty,
      headless,
      WriteOp(987654321, f.fh, 0, "lost"),
      ChmodOp(0, 0600),
      ReleaseOp(f.ino, f.fh + 1000),
      WriteOp(f.ino, f.fh, 0, "kept"),
      ChmodOp(f.ino, 0604),
      headless_write,
      headless_release,
  }));
  ASSERT_EQ(rep.err(), 0);
  ASSERT_EQ(rep.results_size(), 9);
  EXPECT_EQ(rep.results(0).err(), EINVAL) << "no op set";
  EXPECT_EQ(rep.results(1).err(), EINVAL) << "setattr without hdr (no credentials)";
  EXPECT_EQ(rep.results(2).err(), ESTALE);
  EXPECT_EQ(rep.results(3).err(), ESTALE);
  EXPECT_EQ(rep.results(4).err(), EBADF);
  EXPECT_EQ(rep.results(5).err(), 0);
  EXPECT_EQ(rep.results(6).err(), 0);
  EXPECT_EQ(rep.results(7).err(), EINVAL) << "write without hdr (no credentials)";
  EXPECT_EQ(rep.results(8).err(), 0) << "a release needs no credentials";
  v1::Attr a = AttrOf(f.ino);
  EXPECT_EQ(a.mode() & 07777, 0604u);
  EXPECT_EQ(client().Read(f.ino, 0, 0, 100).data(), "kept");
}

TEST_F(BatchTest, ReplayWithTheSameSeqAppliesOnceAndAnswersTheSame) {
  File f = OwnedFile("f", kOwner, 0644);
  v1::CreateReply second = client().Create(dir(), "f", O_WRONLY);  // a second handle, for the release
  ASSERT_EQ(second.err(), 0);
  v1::BatchRequest req = MakeBatch(client(), {
      WriteOp(f.ino, f.fh, 0, "abc", kOwner, /*append=*/true),
      ChmodOp(f.ino, 0600, kOwner),
      ChmodOp(f.ino, 0600, kStranger),
      ReleaseOp(f.ino, second.fh()),
  });
  v1::BatchReply first = SendBatch(client(), req);
  v1::BatchReply again = SendBatch(client(), req);
  ASSERT_EQ(first.err(), 0);
  ASSERT_EQ(first.results_size(), 4);
  EXPECT_EQ(first.results(2).err(), EPERM);
  EXPECT_EQ(first.results(3).err(), 0);
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(first, again))
      << first.DebugString() << " vs " << again.DebugString();
  EXPECT_EQ(AttrOf(f.ino).size(), 3u) << "the append was applied once";

  // A new batch (fresh seqs) appends again.
  v1::BatchReply next = SendBatch(client(), MakeBatch(client(), {WriteOp(f.ino, f.fh, 0, "de", kOwner, true)}));
  ASSERT_EQ(next.results_size(), 1);
  EXPECT_EQ(next.results(0).err(), 0);
  EXPECT_EQ(client().Read(f.ino, 0, 0, 100).data(), "abcde");
}

TEST_F(BatchTest, RetriedReleaseAnswersAsTheFirstAttempt) {
  File f = OwnedFile("f", 0, 0644);
  v1::ReleaseRequest rel;
  *rel.mutable_hdr() = client().Hdr();
  rel.set_ino(f.ino);
  rel.set_fh(f.fh);
  EXPECT_EQ(client().Must(&Stub::Release, rel, "Release").err(), 0);
  EXPECT_EQ(client().Must(&Stub::Release, rel, "Release").err(), 0) << "the retry";
  // A new release (new seq) of the same handle: it is gone.
  EXPECT_EQ(client().Release(f.ino, f.fh).err(), EBADF);
}

TEST_F(BatchTest, OverLimitBatchesAreRefusedWholeAndApplyNothing) {
  File f = OwnedFile("f", 0, 0644);
  std::vector<v1::BatchOp> many(1025, ChmodOp(f.ino, 0600));
  v1::BatchReply rep = SendBatch(client(), MakeBatch(client(), many));
  EXPECT_EQ(rep.err(), EINVAL) << "1025 ops";
  EXPECT_EQ(rep.results_size(), 0);

  rep = SendBatch(client(), MakeBatch(client(), {ChmodOp(f.ino, 0600),
                                                 WriteOp(f.ino, f.fh, 0, std::string((1 << 20) + 1, 'x'))}));
  EXPECT_EQ(rep.err(), EINVAL) << "one write over 1 MiB";
  EXPECT_EQ(rep.results_size(), 0);

  v1::BatchRequest wrapping = MakeBatch(client(), {ChmodOp(f.ino, 0600), ChmodOp(f.ino, 0600)});
  wrapping.mutable_hdr()->set_seq(std::numeric_limits<uint64_t>::max());
  rep = SendBatch(client(), wrapping);
  EXPECT_EQ(rep.err(), EINVAL) << "op seqs past 2^64";
  EXPECT_EQ(rep.results_size(), 0);

  v1::Attr a = AttrOf(f.ino);
  EXPECT_EQ(a.mode() & 07777, 0644u);
  EXPECT_EQ(a.size(), 0u);

  // Exactly at the op limit: applied.
  std::vector<v1::BatchOp> limit(1024, ChmodOp(f.ino, 0600));
  rep = SendBatch(client(), MakeBatch(client(), limit));
  EXPECT_EQ(rep.err(), 0);
  EXPECT_EQ(rep.results_size(), 1024);
  EXPECT_EQ(AttrOf(f.ino).mode() & 07777, 0600u);
}

TEST_F(BatchTest, HostileOpsGetTheirErrnosAndChangeNothing) {
  File f = OwnedFile("f", 0, 0644);
  const uint64_t int64_max = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
  v1::BatchOp bad_nsec = SetAttrOp(f.ino, v1::SET_MTIME, 0);
  bad_nsec.mutable_setattr()->mutable_mtime()->set_nsec(2000000000);
  v1::BatchOp groups = ChmodOp(f.ino, 0600, kOwner);
  for (int i = 0; i < 70000; ++i) groups.mutable_setattr()->mutable_hdr()->mutable_cred()->add_groups(i);
  v1::BatchReply rep = SendBatch(client(), MakeBatch(client(), {
      WriteOp(f.ino, f.fh, int64_max + 1, "x"),
      WriteOp(f.ino, f.fh, int64_max - 1, "xyz"),
      WriteOp(std::numeric_limits<uint64_t>::max(), f.fh, 0, "x"),
      SetAttrOp(f.ino, 0xffffffffu, 0),
      bad_nsec,
      ReleaseOp(f.ino, std::numeric_limits<uint64_t>::max()),
      groups,
  }));
  ASSERT_EQ(rep.err(), 0);
  std::vector<int> want = {EINVAL, EFBIG, ESTALE, EINVAL, EINVAL, EBADF, EPERM};
  ASSERT_EQ(rep.results_size(), static_cast<int>(want.size()));
  for (size_t i = 0; i < want.size(); ++i) EXPECT_EQ(rep.results(i).err(), want[i]) << "op " << i;
  v1::Attr a = AttrOf(f.ino);
  EXPECT_EQ(a.mode() & 07777, 0644u);
  EXPECT_EQ(a.size(), 0u);
  EXPECT_TRUE(server_->process().running());
}

TEST_F(BatchTest, EmptyBatchesAnswerWithoutResults) {
  for (bool sync : {false, true}) {
    v1::BatchReply rep = SendBatch(client(), MakeBatch(client(), {}, sync));
    EXPECT_EQ(rep.err(), 0) << "sync " << sync;
    EXPECT_EQ(rep.results_size(), 0);
  }
}

TEST_F(BatchTest, SyncedBatchAnswersAfterItsOps) {
  File f = OwnedFile("f", kOwner, 0644);
  v1::BatchReply rep = SendBatch(client(), MakeBatch(client(), {
      WriteOp(f.ino, f.fh, 0, "durable", kOwner),
      ChmodOp(f.ino, 0600, kOwner),
      ReleaseOp(f.ino, f.fh, kOwner),
  }, /*sync=*/true));
  ExpectAllApplied(rep, 3);
  EXPECT_EQ(client().Read(f.ino, 0, 0, 100).data(), "durable");
  EXPECT_EQ(AttrOf(f.ino).mode() & 07777, 0600u);
}

TEST_F(BatchTest, OuterHeaderIsRequiredAndNamesALiveSession) {
  v1::BatchRequest req;
  v1::BatchReply rep;
  grpc::ClientContext ctx;
  EXPECT_EQ(client().stub()->Batch(&ctx, req, &rep).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  *req.mutable_hdr() = client().Hdr();
  req.mutable_hdr()->set_session_id(client().session() ^ 0x5a5a5a5aull);
  grpc::ClientContext ctx2;
  EXPECT_EQ(client().stub()->Batch(&ctx2, req, &rep).error_code(), grpc::StatusCode::UNAUTHENTICATED);
}

TEST_F(BatchTest, OtherSessionsWatchSeesEveryChange) {
  File f = OwnedFile("f", 0, 0644);
  File g = OwnedFile("g", 0, 0644);
  Client other(address());
  std::unique_ptr<WatchStream> watch = WatchOfAnotherSession(address(), other);
  ASSERT_NE(watch, nullptr);

  // Two inodes in turn: no two notices in a row are alike (the watcher
  // coalesces those).
  v1::BatchReply rep = SendBatch(client(), MakeBatch(client(), {
      WriteOp(f.ino, f.fh, 0, "seen"),
      ChmodOp(0, 0600),  // fails: no notice
      ChmodOp(g.ino, 0600),
      WriteOp(f.ino, f.fh, 4, "again"),
      ReleaseOp(f.ino, f.fh),
  }, /*sync=*/true));
  ASSERT_EQ(rep.err(), 0);
  std::vector<v1::Change> want = {InodeChange(f.ino), InodeChange(g.ino), InodeChange(f.ino)};
  EXPECT_EQ(Describe(CollectChanges(*watch, want.size())), Describe(want));
}

}  // namespace
}  // namespace rpuffs::testing
