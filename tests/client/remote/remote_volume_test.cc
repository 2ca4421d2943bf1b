// RemoteVolume against a real rpuffsd: connect outcomes and a data round trip.
#include <gtest/gtest.h>

#include "tests/client/remote/remote_test_util.h"
#include "tests/support/rpuffsd_process.h"

namespace rpuffs::remote {
namespace {

using rpuffs::testing::FreeLoopbackPort;
using rpuffs::testing::RpuffsdProcess;

TEST_F(RemoteTest, ConnectOpensSessionOnDefaultVolume) {
  auto& v = volume_;
  EXPECT_NE(v->session_id(), 0u);
  EXPECT_NE(v->root_ino(), 0u);
  v1::GetAttrRequest req;
  req.set_ino(v->root_ino());
  v1::AttrReply rep;
  ASSERT_EQ(CallSync(*v, kGetAttr, req, &rep), 0);
  EXPECT_TRUE(S_ISDIR(rep.attr().mode()));
}

TEST(RemoteVolume, UnknownVolumeIsENOENTWithReason) {
  RpuffsdProcess server;
  RemoteOptions o;
  o.target = server.address();
  o.volume = "no-such-volume";
  RemoteVolume::ConnectError e;
  EXPECT_EQ(RemoteVolume::Connect(o, &e), nullptr);
  EXPECT_EQ(e.err, ENOENT);
  EXPECT_NE(e.message.find("no-such-volume"), std::string::npos) << e.message;
}

TEST(RemoteVolume, ServerDownFailsFastWithECONNREFUSED) {
  RemoteOptions o;
  o.target = "127.0.0.1:" + std::to_string(FreeLoopbackPort());
  RemoteVolume::ConnectError e;
  EXPECT_EQ(RemoteVolume::Connect(o, &e), nullptr);
  EXPECT_EQ(e.err, ECONNREFUSED);
  EXPECT_NE(e.message.find("cannot reach"), std::string::npos) << e.message;
}

TEST_F(RemoteTest, CreateWriteReadReleaseRoundTrip) {
  auto& v = volume_;
  NewFile("data");
  uint64_t ino = ino_, fh = fh_;
  std::string block = Pattern(1 << 20, 'a');
  ASSERT_EQ(WriteAt(*v, ino, fh, 0, block), 0);
  ASSERT_EQ(WriteAt(*v, ino, fh, 1 << 20, block), 0);
  std::string back;
  ASSERT_EQ(ReadAt(*v, ino, fh, 1 << 20, 1 << 20, &back), 0);
  EXPECT_EQ(back, block);
  v1::FsyncRequest sync;
  sync.set_ino(ino);
  sync.set_fh(fh);
  EXPECT_EQ(CallSync(*v, kFsync, sync), 0);
  v1::ReleaseRequest rel;
  rel.set_ino(ino);
  rel.set_fh(fh);
  EXPECT_EQ(CallSync(*v, kRelease, rel), 0);
  EXPECT_EQ(ReadAt(*v, ino, fh, 0, 10, &back), EBADF);  // the local handle is gone
  v1::LookupRequest look;
  look.set_parent(v->root_ino());
  look.set_name("data");
  v1::EntryReply entry;
  ASSERT_EQ(CallSync(*v, kLookup, look, &entry), 0);
  EXPECT_EQ(entry.attr().size(), 2u << 20);
  look.set_name("missing");
  EXPECT_EQ(CallSync(*v, kLookup, look, &entry), ENOENT);
}

TEST_F(RemoteTest, OversizedWriteIsRejectedAsEIO) {
  NewFile("big");
  EXPECT_EQ(WriteAt(*volume_, ino_, fh_, 0, std::string((1 << 20) + 1, 'x')), EIO);
}

}  // namespace
}  // namespace rpuffs::remote
