// Unlink ops inside a Batch through a real rpuffsd (what a mount sends for
// rm -rf): each applied as the standalone Unlink (validation, own
// credentials, idempotency key, change notices), each result carrying the
// directory's attributes just after it.
#include <fcntl.h>
#include <sys/stat.h>

#include <cerrno>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tests/server/batch_ops.h"
#include "tests/server/protocol_fixture.h"
#include "tests/server/watch_stream.h"

namespace rpuffs::testing {
namespace {

using Stub = v1::Volume::Stub;
constexpr uint32_t kOwner = 1000;
constexpr uint32_t kStranger = 2000;

// Nanoseconds since the epoch (ordering timestamps).
int64_t Nanos(const v1::Timespec& t) { return t.sec() * 1000000000 + t.nsec(); }

class BatchUnlinkTest : public ProtocolTest {
 protected:
  // A closed regular file `name` in `parent`, owned by root unless `owner`
  // says otherwise; its inode.
  uint64_t MakeFile(uint64_t parent, const std::string& name, uint32_t owner = 0) {
    v1::CreateReply f = client().Create(parent, name);
    EXPECT_EQ(f.err(), 0) << name;
    EXPECT_EQ(client().Release(f.attr().ino(), f.fh()).err(), 0) << name;
    if (owner != 0) Chown(f.attr().ino(), owner);
    return f.attr().ino();
  }

  void Chown(uint64_t ino, uint32_t owner) {
    v1::SetAttrRequest req;
    req.set_ino(ino);
    req.set_valid(v1::SET_UID | v1::SET_GID);
    req.set_uid(owner);
    req.set_gid(owner);
    EXPECT_EQ(client().Must(&Stub::SetAttr, req, "SetAttr").err(), 0);
  }

  v1::Attr AttrOf(uint64_t ino) {
    v1::AttrReply a = client().GetAttr(ino);
    EXPECT_EQ(a.err(), 0);
    return a.attr();
  }

  bool Exists(uint64_t parent, const std::string& name) { return client().Lookup(parent, name).err() == 0; }
};

TEST_F(BatchUnlinkTest, ThreeHundredUnlinksRemoveAllAndEachCarriesTheDirectory) {
  constexpr int kFiles = 300;  // over the inline limit: the batch runs on the worker pool
  std::vector<v1::BatchOp> ops;
  for (int i = 0; i < kFiles; ++i) {
    const std::string name = "f" + std::to_string(i);
    MakeFile(dir(), name);
    ops.push_back(UnlinkOp(dir(), name));
  }
  const v1::Attr before = AttrOf(dir());
  const uint64_t used = client().UsedInodes();

  v1::BatchReply rep = SendBatch(client(), MakeBatch(client(), ops));
  ExpectAllApplied(rep, kFiles);
  ASSERT_EQ(rep.results_size(), kFiles);
  for (int i = 0; i < kFiles; ++i) {
    const v1::BatchResult& r = rep.results(i);
    ASSERT_TRUE(r.has_attr()) << "op " << i;
    EXPECT_EQ(r.attr().ino(), dir()) << "op " << i;
    EXPECT_TRUE(S_ISDIR(r.attr().mode())) << "op " << i;
    EXPECT_EQ(r.attr().nlink(), before.nlink()) << "op " << i << ": files do not count in a directory's nlink";
    EXPECT_GE(Nanos(r.attr().mtime()), Nanos(before.mtime())) << "op " << i;
    if (i > 0) {
      EXPECT_GE(Nanos(r.attr().mtime()), Nanos(rep.results(i - 1).attr().mtime())) << "op " << i;
      EXPECT_GE(Nanos(r.attr().ctime()), Nanos(rep.results(i - 1).attr().ctime())) << "op " << i;
    }
  }
  const v1::Attr& last = rep.results(kFiles - 1).attr();
  // Nothing changed the directory after the last unlink: its result is the directory now.
  const v1::Attr after = AttrOf(dir());
  EXPECT_EQ(Nanos(after.mtime()), Nanos(last.mtime()));
  EXPECT_EQ(Nanos(after.ctime()), Nanos(last.ctime()));
  EXPECT_TRUE(client().List(dir()).empty());
  EXPECT_EQ(client().UsedInodes(), used - kFiles) << "every inode was freed";
}

TEST_F(BatchUnlinkTest, FailingUnlinksGetTheStandaloneErrnoAndTheOthersApply) {
  MakeFile(dir(), "a");
  MakeFile(dir(), "b");
  ASSERT_EQ(client().Mkdir(dir(), "sub").err(), 0);
  v1::BatchOp headless = UnlinkOp(dir(), "b");
  headless.mutable_unlink()->clear_hdr();
  // (parent, name) cases the standalone Unlink refuses; the batch must agree.
  const std::vector<std::pair<uint64_t, std::string>> bad = {
      {dir(), "missing"}, {dir(), ""},   {dir(), "x/y"},        {dir(), "."},         {dir(), ".."},
      {dir(), "sub"},     {0, "a"},      {987654321, "a"},      {dir(), std::string(256, 'n')},
      {dir(), std::string("nu\0l", 4)},
  };
  std::vector<v1::BatchOp> ops = {UnlinkOp(dir(), "a"), headless};
  for (const auto& [parent, name] : bad) ops.push_back(UnlinkOp(parent, name));
  ops.push_back(UnlinkOp(dir(), "b"));

  v1::BatchReply rep = SendBatch(client(), MakeBatch(client(), ops));
  ASSERT_EQ(rep.err(), 0);
  ASSERT_EQ(rep.results_size(), static_cast<int>(ops.size()));
  EXPECT_EQ(rep.results(0).err(), 0);
  EXPECT_EQ(rep.results(0).attr().ino(), dir());
  EXPECT_EQ(rep.results(1).err(), EINVAL) << "an unlink without its own hdr has no credentials";
  EXPECT_FALSE(rep.results(1).has_attr());
  for (size_t i = 0; i < bad.size(); ++i) {
    const v1::BatchResult& r = rep.results(static_cast<int>(i) + 2);
    const int standalone = client().Unlink(bad[i].first, bad[i].second).err();
    EXPECT_NE(standalone, 0) << "case " << i;
    EXPECT_EQ(r.err(), standalone) << "case " << i;
    EXPECT_FALSE(r.has_attr()) << "case " << i << ": a failed unlink carries no attributes";
  }
  EXPECT_EQ(rep.results(2).err(), ENOENT);
  EXPECT_EQ(rep.results(7).err(), EISDIR);
  EXPECT_EQ(rep.results(static_cast<int>(ops.size()) - 1).err(), 0);
  EXPECT_EQ(client().List(dir()), std::vector<std::string>{"sub"});
}

TEST_F(BatchUnlinkTest, EachUnlinkRunsWithItsOwnCredentials) {
  // A sticky, world-writable directory owned by root: only a file's owner
  // (or root) may remove it.
  v1::EntryReply sticky = client().Mkdir(dir(), "tmp");
  ASSERT_EQ(sticky.err(), 0);
  const uint64_t tmp = sticky.attr().ino();
  v1::SetAttrRequest chmod;
  chmod.set_ino(tmp);
  chmod.set_valid(v1::SET_MODE);
  chmod.set_mode(01777);
  ASSERT_EQ(client().Must(&Stub::SetAttr, chmod, "SetAttr").err(), 0);
  MakeFile(tmp, "mine", kOwner);
  MakeFile(tmp, "theirs", kOwner);
  MakeFile(tmp, "roots", kOwner);

  v1::BatchReply rep = SendBatch(client(), MakeBatch(client(), {
      UnlinkOp(tmp, "theirs", kStranger),
      UnlinkOp(tmp, "mine", kOwner),
      UnlinkOp(tmp, "roots", 0),
  }));
  ASSERT_EQ(rep.err(), 0);
  ASSERT_EQ(rep.results_size(), 3);
  EXPECT_EQ(rep.results(0).err(), EPERM) << "sticky: not the stranger's file";
  EXPECT_EQ(rep.results(1).err(), 0);
  EXPECT_EQ(rep.results(2).err(), 0) << "root may";
  EXPECT_EQ(rep.results(1).attr().ino(), tmp);
  EXPECT_EQ(rep.results(1).attr().mode() & 07777, 01777u);
  EXPECT_EQ(client().List(tmp), std::vector<std::string>{"theirs"});
}

TEST_F(BatchUnlinkTest, ReplayWithTheSameSeqAppliesNothingTwice) {
  MakeFile(dir(), "a");
  MakeFile(dir(), "b");
  v1::BatchRequest req = MakeBatch(client(), {
      UnlinkOp(dir(), "a"),
      UnlinkOp(dir(), "missing"),
      UnlinkOp(dir(), "b", kStranger),  // 0755 directory of root: EACCES
  });
  v1::BatchReply first = SendBatch(client(), req);
  ASSERT_EQ(first.err(), 0);
  ASSERT_EQ(first.results_size(), 3);
  EXPECT_EQ(first.results(0).err(), 0);
  EXPECT_EQ(first.results(1).err(), ENOENT);
  EXPECT_EQ(first.results(2).err(), EACCES);

  // Every name the first run removed or missed exists now; "b" is given to
  // the stranger (whose unlink would still fail: the directory is not his).
  MakeFile(dir(), "a");
  MakeFile(dir(), "missing");
  v1::BatchReply again = SendBatch(client(), req);
  ASSERT_EQ(again.err(), 0);
  ASSERT_EQ(again.results_size(), 3);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(again.results(i).err(), first.results(i).err()) << "op " << i;
  EXPECT_TRUE(Exists(dir(), "a")) << "the replayed unlink was not applied again";
  EXPECT_TRUE(Exists(dir(), "missing")) << "the replayed ENOENT was not run again";
  EXPECT_TRUE(Exists(dir(), "b"));
  // The replay's attributes are the directory as it is now.
  EXPECT_EQ(again.results(0).attr().ino(), dir());
  EXPECT_EQ(Nanos(again.results(0).attr().mtime()), Nanos(AttrOf(dir()).mtime()));

  // A new batch (fresh seqs) is a new operation.
  v1::BatchReply next = SendBatch(client(), MakeBatch(client(), {UnlinkOp(dir(), "a")}));
  ASSERT_EQ(next.results_size(), 1);
  EXPECT_EQ(next.results(0).err(), 0);
  EXPECT_FALSE(Exists(dir(), "a"));
}

TEST_F(BatchUnlinkTest, UnlinkOfAFileWrittenAndReleasedInTheSameBatchFreesIt) {
  // rm of a file whose last write and close were still held: the write, the
  // unlink of the open file, then its release (which reclaims the orphan).
  v1::CreateReply f = client().Create(dir(), "tmpfile");
  ASSERT_EQ(f.err(), 0);
  const uint64_t used = client().UsedInodes();
  v1::BatchReply rep = SendBatch(client(), MakeBatch(client(), {
      WriteOp(f.attr().ino(), f.fh(), 0, std::string(100000, 'x')),
      UnlinkOp(dir(), "tmpfile"),
      ReleaseOp(f.attr().ino(), f.fh()),
  }));
  ExpectAllApplied(rep, 3);
  ASSERT_EQ(rep.results_size(), 3);
  EXPECT_EQ(rep.results(0).attr().ino(), f.attr().ino()) << "a write's attr is the file's";
  EXPECT_EQ(rep.results(1).attr().ino(), dir()) << "an unlink's attr is the directory's";
  EXPECT_FALSE(rep.results(2).has_attr());
  EXPECT_FALSE(Exists(dir(), "tmpfile"));
  EXPECT_EQ(client().UsedInodes(), used - 1);
  EXPECT_EQ(client().GetAttr(f.attr().ino()).err(), ESTALE) << "the orphan was reclaimed";
}

TEST_F(BatchUnlinkTest, OtherSessionsWatchSeesTheRemovedNames) {
  const uint64_t a = MakeFile(dir(), "a");
  const uint64_t b = MakeFile(dir(), "b");
  Client other(address());
  std::unique_ptr<WatchStream> watch = WatchOfAnotherSession(address(), other);
  ASSERT_NE(watch, nullptr);

  v1::BatchReply rep = SendBatch(client(), MakeBatch(client(), {
      UnlinkOp(dir(), "a"),
      UnlinkOp(dir(), "missing"),  // fails: no notice
      UnlinkOp(dir(), "b"),
  }));
  ASSERT_EQ(rep.err(), 0);
  std::vector<v1::Change> want = {InodeChange(dir()), EntryChange(dir(), "a"), InodeChange(a),
                                  InodeChange(dir()), EntryChange(dir(), "b"), InodeChange(b)};
  EXPECT_EQ(Describe(CollectChanges(*watch, want.size())), Describe(want));
}

}  // namespace
}  // namespace rpuffs::testing
