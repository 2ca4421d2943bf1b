// Every rpuffs.v1 operation end to end through a real rpuffsd: sessions, the
// happy path of each op, and retried mutations.
#include <fcntl.h>
#include <linux/fs.h>
#include <sys/stat.h>

#include <algorithm>

#include <gtest/gtest.h>

#include "tests/server/protocol_fixture.h"

namespace rpuffs::testing {
namespace {

using Stub = v1::Volume::Stub;

TEST_F(ProtocolTest, HelloReturnsSessionRootAndLimits) {
  Client c(address());
  v1::HelloReply rep = c.Connect();
  ASSERT_EQ(rep.err(), 0);
  EXPECT_NE(rep.session_id(), 0u);
  EXPECT_EQ(rep.root_ino(), 1u);
  EXPECT_EQ(rep.limits().name_max(), 255u);
  EXPECT_EQ(rep.limits().max_io(), 1u << 20);
  EXPECT_EQ(rep.limits().xattr_value_max(), 65536u);
  EXPECT_GT(rep.limits().block_size(), 0u);
  EXPECT_EQ(rep.lease_ms(), 60000u);
  EXPECT_EQ(rep.protocol_version(), 1u);
  EXPECT_EQ(c.GetAttr(rep.root_ino()).attr().mode() & S_IFMT, static_cast<uint32_t>(S_IFDIR));
}

TEST_F(ProtocolTest, HelloUnknownVolumeIsENOENT) {
  Client c(address());
  EXPECT_EQ(c.Connect("no-such-volume").err(), ENOENT);
  EXPECT_EQ(c.session(), 0u);
}

TEST_F(ProtocolTest, HelloOtherProtocolVersionIsEPROTONOSUPPORT) {
  Client c(address());
  v1::HelloRequest req;
  req.set_protocol_version(2);
  v1::HelloReply rep;
  ASSERT_TRUE(c.Hello(req, &rep).ok());
  EXPECT_EQ(rep.err(), EPROTONOSUPPORT);
}

TEST_F(ProtocolTest, HelloResumesLiveSessionOnly) {
  Client c(address());
  ASSERT_EQ(c.Connect().err(), 0);
  v1::HelloRequest req;
  req.set_protocol_version(1);
  req.set_resume_session_id(c.session());
  v1::HelloReply rep;
  ASSERT_TRUE(c.Hello(req, &rep).ok());
  EXPECT_EQ(rep.err(), 0);
  EXPECT_EQ(rep.session_id(), c.session());

  req.set_resume_session_id(c.session() ^ 0x5a5a5a5a5a5aull);
  ASSERT_TRUE(c.Hello(req, &rep).ok());
  EXPECT_EQ(rep.err(), ESTALE);
}

TEST_F(ProtocolTest, UnknownSessionIsUnauthenticated) {
  Client c(address());
  c.set_session(0x1234567);
  v1::AttrReply rep;
  v1::GetAttrRequest req;
  req.set_ino(1);
  EXPECT_EQ(c.Call(&Stub::GetAttr, req, &rep).error_code(), grpc::StatusCode::UNAUTHENTICATED);
}

TEST_F(ProtocolTest, MissingHeaderIsInvalidArgument) {
  v1::GetAttrRequest req;
  req.set_ino(1);
  v1::AttrReply rep;
  grpc::ClientContext ctx;
  EXPECT_EQ(client().stub()->GetAttr(&ctx, req, &rep).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(ProtocolTest, GoodbyeEndsSession) {
  Client c(address());
  ASSERT_EQ(c.Connect().err(), 0);
  v1::ErrReply bye;
  ASSERT_TRUE(c.Call(&Stub::Goodbye, v1::GoodbyeRequest(), &bye).ok());
  EXPECT_EQ(bye.err(), 0);
  v1::ErrReply rep;
  EXPECT_EQ(c.Call(&Stub::KeepAlive, v1::KeepAliveRequest(), &rep).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
}

TEST_F(ProtocolTest, KeepAliveAndForgetSucceed) {
  v1::ErrReply rep;
  ASSERT_TRUE(client().Call(&Stub::KeepAlive, v1::KeepAliveRequest(), &rep).ok());
  EXPECT_EQ(rep.err(), 0);
  v1::ForgetRequest forget;
  auto* item = forget.add_items();
  item->set_ino(dir());
  item->set_nlookup(1);
  ASSERT_TRUE(client().Call(&Stub::Forget, forget, &rep).ok());
  EXPECT_EQ(rep.err(), 0);
}

TEST_F(ProtocolTest, CreateWriteReadBack) {
  v1::CreateReply f = client().Create(dir(), "file");
  ASSERT_EQ(f.err(), 0);
  EXPECT_TRUE(f.created());
  EXPECT_NE(f.fh(), 0u);
  v1::WriteReply w = client().Write(f.attr().ino(), f.fh(), 3, "hello");
  ASSERT_EQ(w.err(), 0);
  EXPECT_EQ(w.count(), 5u);
  EXPECT_EQ(w.attr().size(), 8u);
  v1::ReadReply r = client().Read(f.attr().ino(), f.fh(), 0, 100);
  ASSERT_EQ(r.err(), 0);
  EXPECT_EQ(r.data(), std::string("\0\0\0hello", 8));
  EXPECT_EQ(client().Fsync(f.attr().ino(), f.fh()).err(), 0);
  EXPECT_EQ(client().Release(f.attr().ino(), f.fh()).err(), 0);
  v1::EntryReply l = client().Lookup(dir(), "file");
  ASSERT_EQ(l.err(), 0);
  EXPECT_EQ(l.attr().ino(), f.attr().ino());
  EXPECT_EQ(l.attr().size(), 8u);
}

TEST_F(ProtocolTest, OpenExistingFileAndTruncate) {
  v1::CreateReply f = client().Create(dir(), "f");
  ASSERT_EQ(f.err(), 0);
  ASSERT_EQ(client().Write(f.attr().ino(), f.fh(), 0, "abcdef").err(), 0);
  v1::OpenRequest open;
  open.set_ino(f.attr().ino());
  open.set_flags(O_RDWR | O_TRUNC);
  v1::OpenReply o;
  ASSERT_TRUE(client().Call(&Stub::Open, open, &o).ok());
  ASSERT_EQ(o.err(), 0);
  EXPECT_NE(o.fh(), f.fh());
  EXPECT_EQ(o.attr().size(), 0u);
  EXPECT_EQ(client().Release(f.attr().ino(), o.fh()).err(), 0);
  EXPECT_EQ(client().Release(f.attr().ino(), f.fh()).err(), 0);
  EXPECT_EQ(client().Release(f.attr().ino(), f.fh()).err(), EBADF);
}

TEST_F(ProtocolTest, MkdirReaddirPlusPages) {
  ASSERT_EQ(client().Mkdir(dir(), "sub").err(), 0);
  for (const char* name : {"a", "b", "c", "d", "e"}) ASSERT_EQ(client().Create(dir(), name).err(), 0);
  std::vector<std::string> names;
  uint64_t offset = 0;
  for (int page = 0; page < 10; ++page) {
    v1::ReaddirReply r = client().Readdir(dir(), offset, 2, true);
    ASSERT_EQ(r.err(), 0);
    EXPECT_LE(r.entries_size(), 2);
    for (const auto& e : r.entries()) {
      names.push_back(e.name());
      EXPECT_EQ(e.attr().ino(), e.ino()) << e.name();
      EXPECT_EQ(e.attr().mode() & S_IFMT, e.type()) << e.name();
      offset = e.offset();
    }
    if (r.eof()) break;
  }
  ASSERT_GE(names.size(), 2u);
  EXPECT_EQ(names[0], ".");
  EXPECT_EQ(names[1], "..");
  std::sort(names.begin() + 2, names.end());  // storage order is not alphabetical
  EXPECT_EQ(names, (std::vector<std::string>{".", "..", "a", "b", "c", "d", "e", "sub"}));
}

TEST_F(ProtocolTest, RenameMovesAndHonoursFlags) {
  ASSERT_EQ(client().Create(dir(), "x").err(), 0);
  ASSERT_EQ(client().Create(dir(), "y").err(), 0);
  v1::RenameRequest req;
  req.set_parent(dir());
  req.set_name("x");
  req.set_new_parent(dir());
  req.set_new_name("y");
  req.set_flags(RENAME_NOREPLACE);
  v1::ErrReply rep;
  ASSERT_TRUE(client().Call(&Stub::Rename, req, &rep).ok());
  EXPECT_EQ(rep.err(), EEXIST);
  req.set_new_name("z");
  ASSERT_TRUE(client().Call(&Stub::Rename, req, &rep).ok());
  EXPECT_EQ(rep.err(), 0);
  EXPECT_EQ(client().List(dir()), (std::vector<std::string>{"y", "z"}));
}

TEST_F(ProtocolTest, SymlinkAndReadlink) {
  v1::SymlinkRequest req;
  req.set_parent(dir());
  req.set_name("link");
  req.set_target("../some/where");
  v1::EntryReply rep;
  ASSERT_TRUE(client().Call(&Stub::Symlink, req, &rep).ok());
  ASSERT_EQ(rep.err(), 0);
  EXPECT_EQ(rep.attr().mode() & S_IFMT, static_cast<uint32_t>(S_IFLNK));
  v1::ReadlinkRequest rl;
  rl.set_ino(rep.attr().ino());
  v1::ReadlinkReply target;
  ASSERT_TRUE(client().Call(&Stub::Readlink, rl, &target).ok());
  EXPECT_EQ(target.err(), 0);
  EXPECT_EQ(target.target(), "../some/where");
}

TEST_F(ProtocolTest, LinkAddsName) {
  v1::CreateReply f = client().Create(dir(), "orig");
  ASSERT_EQ(f.err(), 0);
  v1::LinkRequest req;
  req.set_ino(f.attr().ino());
  req.set_new_parent(dir());
  req.set_new_name("alias");
  v1::EntryReply rep;
  ASSERT_TRUE(client().Call(&Stub::Link, req, &rep).ok());
  ASSERT_EQ(rep.err(), 0);
  EXPECT_EQ(rep.attr().nlink(), 2u);
  EXPECT_EQ(client().Lookup(dir(), "alias").attr().ino(), f.attr().ino());
}

TEST_F(ProtocolTest, MknodFifo) {
  v1::MknodRequest req;
  req.set_parent(dir());
  req.set_name("fifo");
  req.set_mode(S_IFIFO | 0600);
  v1::EntryReply rep;
  ASSERT_TRUE(client().Call(&Stub::Mknod, req, &rep).ok());
  ASSERT_EQ(rep.err(), 0);
  EXPECT_EQ(rep.attr().mode(), static_cast<uint32_t>(S_IFIFO | 0600));
}

TEST_F(ProtocolTest, UnlinkAndRmdir) {
  ASSERT_EQ(client().Create(dir(), "f").err(), 0);
  ASSERT_EQ(client().Mkdir(dir(), "d").err(), 0);
  EXPECT_EQ(client().Unlink(dir(), "d").err(), EISDIR);
  EXPECT_EQ(client().Unlink(dir(), "f").err(), 0);
  EXPECT_EQ(client().Unlink(dir(), "f").err(), ENOENT);
  v1::RmdirRequest req;
  req.set_parent(dir());
  req.set_name("d");
  v1::ErrReply rep;
  ASSERT_TRUE(client().Call(&Stub::Rmdir, req, &rep).ok());
  EXPECT_EQ(rep.err(), 0);
  EXPECT_TRUE(client().List(dir()).empty());
}

TEST_F(ProtocolTest, SetAttrTruncatesAndChmods) {
  v1::CreateReply f = client().Create(dir(), "f");
  ASSERT_EQ(f.err(), 0);
  v1::SetAttrRequest req;
  req.set_ino(f.attr().ino());
  req.set_valid(v1::SET_SIZE | v1::SET_MODE | v1::SET_MTIME);
  req.set_size(12345);
  req.set_mode(0600);
  req.mutable_mtime()->set_sec(1000000000);
  req.mutable_mtime()->set_nsec(42);
  v1::AttrReply rep;
  ASSERT_TRUE(client().Call(&Stub::SetAttr, req, &rep).ok());
  ASSERT_EQ(rep.err(), 0);
  EXPECT_EQ(rep.attr().size(), 12345u);
  EXPECT_EQ(rep.attr().mode() & 07777, 0600u);
  EXPECT_EQ(rep.attr().mtime().sec(), 1000000000);
  EXPECT_EQ(rep.attr().mtime().nsec(), 42u);
}

TEST_F(ProtocolTest, FallocateExtendsSize) {
  v1::CreateReply f = client().Create(dir(), "f");
  ASSERT_EQ(f.err(), 0);
  v1::FallocateRequest req;
  req.set_ino(f.attr().ino());
  req.set_fh(f.fh());
  req.set_offset(0);
  req.set_length(100000);
  v1::AttrReply rep;
  ASSERT_TRUE(client().Call(&Stub::Fallocate, req, &rep).ok());
  ASSERT_EQ(rep.err(), 0);
  EXPECT_EQ(rep.attr().size(), 100000u);
}

TEST_F(ProtocolTest, XattrSetGetListRemove) {
  v1::CreateReply f = client().Create(dir(), "f");
  ASSERT_EQ(f.err(), 0);
  const uint64_t ino = f.attr().ino();
  v1::SetXattrRequest set;
  set.set_ino(ino);
  set.set_name("user.colour");
  set.set_value("blue");
  v1::ErrReply err;
  ASSERT_TRUE(client().Call(&Stub::SetXattr, set, &err).ok());
  ASSERT_EQ(err.err(), 0);
  v1::GetXattrRequest get;
  get.set_ino(ino);
  get.set_name("user.colour");
  v1::GetXattrReply value;
  ASSERT_TRUE(client().Call(&Stub::GetXattr, get, &value).ok());
  EXPECT_EQ(value.err(), 0);
  EXPECT_EQ(value.value(), "blue");
  v1::ListXattrRequest list;
  list.set_ino(ino);
  v1::ListXattrReply names;
  ASSERT_TRUE(client().Call(&Stub::ListXattr, list, &names).ok());
  ASSERT_EQ(names.names_size(), 1);
  EXPECT_EQ(names.names(0), "user.colour");
  v1::RemoveXattrRequest remove;
  remove.set_ino(ino);
  remove.set_name("user.colour");
  ASSERT_TRUE(client().Call(&Stub::RemoveXattr, remove, &err).ok());
  EXPECT_EQ(err.err(), 0);
  ASSERT_TRUE(client().Call(&Stub::GetXattr, get, &value).ok());
  EXPECT_EQ(value.err(), ENODATA);
}

TEST_F(ProtocolTest, StatfsCountsFiles) {
  uint64_t before = client().UsedInodes();
  ASSERT_EQ(client().Create(dir(), "one").err(), 0);
  ASSERT_EQ(client().Create(dir(), "two").err(), 0);
  v1::StatfsReply s = client().Statfs();
  EXPECT_EQ(s.err(), 0);
  EXPECT_GT(s.bsize(), 0u);
  EXPECT_EQ(s.namemax(), 255u);
  EXPECT_EQ(client().UsedInodes(), before + 2);
}

TEST_F(ProtocolTest, RetriedMkdirAppliesOnce) {
  v1::MkdirRequest req;
  *req.mutable_hdr() = client().Hdr();
  req.set_parent(dir());
  req.set_name("once");
  req.set_mode(0755);
  v1::EntryReply first, second;
  ASSERT_TRUE(client().Call(&Stub::Mkdir, req, &first).ok());
  ASSERT_EQ(first.err(), 0);
  ASSERT_TRUE(client().Call(&Stub::Mkdir, req, &second).ok());
  EXPECT_EQ(second.err(), 0) << "a retry answers the first outcome, not EEXIST";
  EXPECT_EQ(second.attr().ino(), first.attr().ino());
  EXPECT_EQ(client().List(dir()), std::vector<std::string>{"once"});
}

TEST_F(ProtocolTest, RetriedAppendAppliesOnce) {
  v1::CreateReply f = client().Create(dir(), "log");
  ASSERT_EQ(f.err(), 0);
  v1::WriteRequest req;
  *req.mutable_hdr() = client().Hdr();
  req.set_ino(f.attr().ino());
  req.set_fh(f.fh());
  req.set_data("12345");
  req.set_append(true);
  v1::WriteReply rep;
  for (int attempt = 0; attempt < 3; ++attempt) {
    ASSERT_TRUE(client().Call(&Stub::Write, req, &rep).ok());
    EXPECT_EQ(rep.err(), 0);
    EXPECT_EQ(rep.count(), 5u);
  }
  EXPECT_EQ(client().GetAttr(f.attr().ino()).attr().size(), 5u);
}

TEST_F(ProtocolTest, RetriedUnlinkAnswersFirstOutcome) {
  ASSERT_EQ(client().Create(dir(), "gone").err(), 0);
  v1::UnlinkRequest req;
  *req.mutable_hdr() = client().Hdr();
  req.set_parent(dir());
  req.set_name("gone");
  v1::ErrReply first, retry;
  ASSERT_TRUE(client().Call(&Stub::Unlink, req, &first).ok());
  ASSERT_TRUE(client().Call(&Stub::Unlink, req, &retry).ok());
  EXPECT_EQ(first.err(), 0);
  EXPECT_EQ(retry.err(), 0) << "not ENOENT: the retry is not applied again";
  EXPECT_EQ(client().Unlink(dir(), "gone").err(), ENOENT) << "a new seq is a new operation";
}

}  // namespace
}  // namespace rpuffs::testing
