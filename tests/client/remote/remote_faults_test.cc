// RemoteVolume across server failures: kill -9 and restart, grace expiry,
// cancellation, and a session the server no longer knows.
#include <gtest/gtest.h>

#include <future>
#include <thread>

#include <grpcpp/create_channel.h>

#include "tests/client/remote/remote_test_util.h"
#include "tests/support/rpuffsd_process.h"

namespace rpuffs::remote {
namespace {

using rpuffs::testing::RpuffsdProcess;

template <class Req, class Rep>
std::future<int> CallAsync(RemoteVolume& v, const Rpc<Req, Rep>& rpc, Req req,
                           std::shared_ptr<CallControl>* control = nullptr) {
  auto p = std::make_shared<std::promise<int>>();
  auto f = p->get_future();
  auto c = v.Call(rpc, std::move(req), Done<Rep>([p](int err, Rep&) { p->set_value(err); }));
  if (control) *control = c;
  return f;
}

TEST_F(RemoteTest, WriteIssuedWhileServerIsDownCompletesAfterRestart) {
  auto& v = volume_;
  NewFile("f");
  uint64_t ino = ino_, fh = fh_;
  server_->Kill9();
  std::string block = Pattern(1 << 20, 'k');  // > 256 KiB: gRPC itself would not retry it
  v1::WriteRequest w;
  w.set_ino(ino);
  w.set_fh(fh);
  w.set_data(block);
  auto pending = CallAsync(*v, kWrite, w);
  EXPECT_EQ(pending.wait_for(std::chrono::milliseconds(300)), std::future_status::timeout);
  server_->Start();
  ASSERT_EQ(pending.wait_for(std::chrono::seconds(30)), std::future_status::ready);
  EXPECT_EQ(pending.get(), 0);
  std::string back;
  ASSERT_EQ(ReadAt(*v, ino, fh, 0, 1 << 20, &back), 0);  // the handle survived the restart
  EXPECT_EQ(back, block);
}

TEST(RemoteFaults, CallFailsWithEIOAfterGraceAndVolumeRecovers) {
  RpuffsdProcess server;
  auto v = ConnectOrFail(server.address(), std::chrono::milliseconds(800));
  ASSERT_TRUE(v);
  server.Kill9();
  v1::GetAttrRequest req;
  req.set_ino(v->root_ino());
  EXPECT_EQ(CallSync(*v, kGetAttr, req), EIO);
  server.Start();
  v1::AttrReply rep;
  bool back = rpuffs::testing::WaitUntil([&] { return CallSync(*v, kGetAttr, req, &rep) == 0; },
                                         std::chrono::seconds(20));
  EXPECT_TRUE(back);
}

TEST_F(RemoteTest, CancelledCallCompletesWithEINTR) {
  auto& v = volume_;
  server_->Kill9();  // the call now waits for the server
  v1::GetAttrRequest req;
  req.set_ino(v->root_ino());
  std::shared_ptr<CallControl> control;
  auto pending = CallAsync(*v, kGetAttr, req, &control);
  control->Cancel();
  ASSERT_EQ(pending.wait_for(std::chrono::seconds(10)), std::future_status::ready);
  EXPECT_EQ(pending.get(), EINTR);
}

// Closes the volume's session behind its back, as an expired lease would.
void ForgetSession(const std::string& address, uint64_t session) {
  auto stub = v1::Volume::NewStub(grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));
  grpc::ClientContext ctx;
  v1::GoodbyeRequest bye;
  bye.mutable_hdr()->set_session_id(session);
  v1::ErrReply rep;
  ASSERT_TRUE(stub->Goodbye(&ctx, bye, &rep).ok());
}

TEST_F(RemoteTest, HandleOfAReclaimedFileAnswersEIOAfterSessionLossAndReleaseSucceeds) {
  NewFile("gone");
  ASSERT_EQ(WriteAt(*volume_, ino_, fh_, 0, "bye"), 0);
  v1::UnlinkRequest unlink;
  unlink.set_parent(volume_->root_ino());
  unlink.set_name("gone");
  ASSERT_EQ(CallSync(*volume_, kUnlink, unlink), 0);
  ForgetSession(server_->address(), volume_->session_id());  // the orphan is reclaimed
  std::string back;
  EXPECT_EQ(ReadAt(*volume_, ino_, fh_, 0, 3, &back), EIO);
  v1::ReleaseRequest rel;
  rel.set_ino(ino_);
  rel.set_fh(fh_);
  EXPECT_EQ(CallSync(*volume_, kRelease, rel), 0);
  EXPECT_EQ(ReadAt(*volume_, ino_, fh_, 0, 3, &back), EBADF);
}

TEST_F(RemoteTest, ForgottenSessionIsReplacedAndHandlesReopened) {
  auto& v = volume_;
  NewFile("kept");
  uint64_t ino = ino_, fh = fh_;
  ASSERT_EQ(WriteAt(*v, ino, fh, 0, "hello"), 0);
  uint64_t old_session = v->session_id();
  ForgetSession(server_->address(), old_session);
  std::string back;
  ASSERT_EQ(ReadAt(*v, ino, fh, 0, 5, &back), 0);
  EXPECT_EQ(back, "hello");
  EXPECT_NE(v->session_id(), old_session);
  EXPECT_EQ(v->recoveries(), 1u);
}

}  // namespace
}  // namespace rpuffs::remote

namespace rpuffs::remote {
namespace {

TEST(RemoteFaultsLease, IdleSessionIsKeptAliveByKeepAlive) {
  rpuffs::testing::RpuffsdProcess server({"--lease-ms", "400"});
  auto v = ConnectOrFail(server.address());
  ASSERT_TRUE(v);
  uint64_t session = v->session_id();
  // Idle for several leases: the subject of the test, not a synchronisation.
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  v1::GetAttrRequest req;
  req.set_ino(v->root_ino());
  EXPECT_EQ(CallSync(*v, kGetAttr, req), 0);
  EXPECT_EQ(v->session_id(), session);
  EXPECT_EQ(v->recoveries(), 0u);
}

}  // namespace
}  // namespace rpuffs::remote
