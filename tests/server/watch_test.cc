// Watch through a real rpuffsd: which change notices each mutating operation
// sends, to whom (other sessions of the same volume only), and that
// read-only or failed operations send none.
#include <fcntl.h>
#include <sys/stat.h>

#include <gtest/gtest.h>

#include "tests/server/protocol_fixture.h"
#include "tests/server/watch_stream.h"

namespace rpuffs::testing {
namespace {

using Stub = v1::Volume::Stub;
using Changes = std::vector<v1::Change>;

class WatchTest : public ProtocolTest {
 protected:
  static void SetUpTestSuite() { StartSuiteServer({"--volume", "other"}); }

  void SetUp() override {
    ProtocolTest::SetUp();
    if (HasFatalFailure()) return;
    other_ = std::make_unique<Client>(address());
    ASSERT_EQ(other_->Connect().err(), 0);
    watch_ = OpenWatch(other_->session());
    ASSERT_NE(watch_, nullptr);
  }

  // A reading watch of `session`, past its started event (nullptr if that
  // did not come first).
  std::unique_ptr<WatchStream> OpenWatch(uint64_t session) {
    auto w = std::make_unique<WatchStream>(address(), session);
    v1::WatchEvent first;
    bool started = w->ReadNow(&first) && first.started() && first.changes_size() == 0 && !first.overflow();
    EXPECT_TRUE(started) << first.DebugString();
    if (!started) return nullptr;
    w->StartReading();
    return w;
  }

  // The other session's watch receives exactly `want` next.
  void ExpectNotices(const Changes& want, WatchStream* w = nullptr) {
    Changes got = CollectChanges(w ? *w : *watch_, want.size());
    EXPECT_EQ(Describe(got), Describe(want));
  }

  v1::CreateReply NewFile(const std::string& name) {
    v1::CreateReply f = client().Create(dir(), name);
    EXPECT_EQ(f.err(), 0);
    ExpectNotices({InodeChange(dir()), EntryChange(dir(), name)});
    return f;
  }

  v1::AttrReply Chmod(Client& c, uint64_t ino) {
    v1::SetAttrRequest req;
    req.set_ino(ino);
    req.set_valid(v1::SET_MODE);
    req.set_mode(0600);
    return c.Must(&Stub::SetAttr, req, "SetAttr");
  }

  std::unique_ptr<Client> other_;
  std::unique_ptr<WatchStream> watch_;  // other_'s
};

TEST_F(WatchTest, UnknownSessionIsUnauthenticatedAndMissingHeaderInvalid) {
  WatchStream unknown(address(), client().session() ^ 0x5a5a5a5a5aull);
  unknown.StartReading();
  auto st = unknown.Finished();
  ASSERT_TRUE(st.has_value());
  EXPECT_EQ(st->error_code(), grpc::StatusCode::UNAUTHENTICATED);

  WatchStream headless(address(), v1::WatchRequest());
  headless.StartReading();
  st = headless.Finished();
  ASSERT_TRUE(st.has_value());
  EXPECT_EQ(st->error_code(), grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(WatchTest, InodeChangesNameTheInode) {
  v1::CreateReply f = NewFile("f");
  const uint64_t ino = f.attr().ino();

  ASSERT_EQ(Chmod(client(), ino).err(), 0);
  ExpectNotices({InodeChange(ino)});

  ASSERT_EQ(client().Write(ino, f.fh(), 0, "data").err(), 0);
  ExpectNotices({InodeChange(ino)});

  v1::FallocateRequest fa;
  fa.set_ino(ino);
  fa.set_fh(f.fh());
  fa.set_length(8192);
  ASSERT_EQ(client().Must(&Stub::Fallocate, fa, "Fallocate").err(), 0);
  ExpectNotices({InodeChange(ino)});

  v1::SetXattrRequest sx;
  sx.set_ino(ino);
  sx.set_name("user.k");
  sx.set_value("v");
  ASSERT_EQ(client().Must(&Stub::SetXattr, sx, "SetXattr").err(), 0);
  ExpectNotices({InodeChange(ino)});

  v1::RemoveXattrRequest rx;
  rx.set_ino(ino);
  rx.set_name("user.k");
  ASSERT_EQ(client().Must(&Stub::RemoveXattr, rx, "RemoveXattr").err(), 0);
  ExpectNotices({InodeChange(ino)});

  v1::OpenRequest trunc;
  trunc.set_ino(ino);
  trunc.set_flags(O_RDWR | O_TRUNC);
  ASSERT_EQ(client().Must(&Stub::Open, trunc, "Open").err(), 0);
  ExpectNotices({InodeChange(ino)});

  ASSERT_EQ(client().Create(dir(), "f", O_RDWR | O_CREAT | O_TRUNC).err(), 0);
  ExpectNotices({InodeChange(ino)});
}

TEST_F(WatchTest, NewEntriesNameParentAndEntry) {
  NewFile("created");  // checks its own notices

  v1::MknodRequest mknod;
  mknod.set_parent(dir());
  mknod.set_name("fifo");
  mknod.set_mode(S_IFIFO | 0644);
  ASSERT_EQ(client().Must(&Stub::Mknod, mknod, "Mknod").err(), 0);
  ExpectNotices({InodeChange(dir()), EntryChange(dir(), "fifo")});

  ASSERT_EQ(client().Mkdir(dir(), "sub").err(), 0);
  ExpectNotices({InodeChange(dir()), EntryChange(dir(), "sub")});

  v1::SymlinkRequest sym;
  sym.set_parent(dir());
  sym.set_name("sym");
  sym.set_target("created");
  ASSERT_EQ(client().Must(&Stub::Symlink, sym, "Symlink").err(), 0);
  ExpectNotices({InodeChange(dir()), EntryChange(dir(), "sym")});
}

TEST_F(WatchTest, LinkUnlinkRmdirNameInodesAndEntries) {
  const uint64_t ino = NewFile("f").attr().ino();
  const uint64_t sub = client().Mkdir(dir(), "sub").attr().ino();
  ExpectNotices({InodeChange(dir()), EntryChange(dir(), "sub")});

  v1::LinkRequest link;
  link.set_ino(ino);
  link.set_new_parent(sub);
  link.set_new_name("g");
  ASSERT_EQ(client().Must(&Stub::Link, link, "Link").err(), 0);
  ExpectNotices({InodeChange(ino), InodeChange(sub), EntryChange(sub, "g")});

  ASSERT_EQ(client().Unlink(sub, "g").err(), 0);
  ExpectNotices({InodeChange(sub), EntryChange(sub, "g"), InodeChange(ino)});

  v1::RmdirRequest rmdir;
  rmdir.set_parent(dir());
  rmdir.set_name("sub");
  ASSERT_EQ(client().Must(&Stub::Rmdir, rmdir, "Rmdir").err(), 0);
  ExpectNotices({InodeChange(dir()), EntryChange(dir(), "sub"), InodeChange(sub)});
}

TEST_F(WatchTest, RenameNamesBothParentsBothNamesMovedAndReplaced) {
  const uint64_t moved = NewFile("a").attr().ino();
  const uint64_t sub = client().Mkdir(dir(), "sub").attr().ino();
  ExpectNotices({InodeChange(dir()), EntryChange(dir(), "sub")});
  const uint64_t victim = client().Create(sub, "b").attr().ino();
  ExpectNotices({InodeChange(sub), EntryChange(sub, "b")});

  v1::RenameRequest req;
  req.set_parent(dir());
  req.set_name("a");
  req.set_new_parent(sub);
  req.set_new_name("b");
  ASSERT_EQ(client().Must(&Stub::Rename, req, "Rename").err(), 0);
  ExpectNotices({InodeChange(dir()), InodeChange(sub), EntryChange(dir(), "a"), EntryChange(sub, "b"),
                 InodeChange(moved), InodeChange(victim)});

  // Within one directory, without a victim: the parent is named once.
  req.set_parent(sub);
  req.set_name("b");
  req.set_new_name("c");
  ASSERT_EQ(client().Must(&Stub::Rename, req, "Rename").err(), 0);
  ExpectNotices({InodeChange(sub), EntryChange(sub, "b"), EntryChange(sub, "c"), InodeChange(moved)});
}

TEST_F(WatchTest, OwnChangesAreNotSentBack) {
  auto own = OpenWatch(client().session());
  ASSERT_NE(own, nullptr);
  const uint64_t mine = NewFile("mine").attr().ino();
  ASSERT_EQ(Chmod(client(), mine).err(), 0);
  ExpectNotices({InodeChange(mine)});

  // The other session's change comes after every one of ours, so anything
  // of ours sent back would arrive first.
  ASSERT_EQ(Chmod(*other_, dir()).err(), 0);
  ExpectNotices({InodeChange(dir())}, own.get());
}

TEST_F(WatchTest, ReadOnlyAndFailedOperationsSendNothing) {
  v1::CreateReply f = NewFile("f");
  const uint64_t ino = f.attr().ino();
  EXPECT_EQ(client().Lookup(dir(), "f").err(), 0);
  EXPECT_EQ(client().GetAttr(ino).err(), 0);
  EXPECT_EQ(client().Read(ino, f.fh(), 0, 10).err(), 0);
  EXPECT_EQ(client().Readdir(dir()).err(), 0);
  EXPECT_EQ(client().Fsync(ino, f.fh()).err(), 0);
  EXPECT_EQ(client().Release(ino, f.fh()).err(), 0);
  v1::OpenRequest open;
  open.set_ino(ino);
  open.set_flags(O_RDONLY);
  EXPECT_EQ(client().Must(&Stub::Open, open, "Open").err(), 0);
  EXPECT_EQ(client().Statfs().err(), 0);
  // Failed mutations change nothing, so they send nothing either.
  EXPECT_EQ(client().Unlink(dir(), "missing").err(), ENOENT);
  EXPECT_EQ(client().Mkdir(dir(), "f").err(), EEXIST);

  ASSERT_EQ(Chmod(client(), dir()).err(), 0);
  ExpectNotices({InodeChange(dir())});
}

TEST_F(WatchTest, OtherVolumesChangesAreNotSent) {
  Client on_other(address());
  ASSERT_EQ(on_other.Connect("other").err(), 0);
  auto watch = OpenWatch(on_other.session());
  ASSERT_NE(watch, nullptr);
  NewFile("here");  // on volume default: the default watcher gets it

  Client writer(address());
  ASSERT_EQ(writer.Connect("other").err(), 0);
  ASSERT_EQ(Chmod(writer, 1).err(), 0);
  ExpectNotices({InodeChange(1)}, watch.get());
}

}  // namespace
}  // namespace rpuffs::testing
