#include "client/puffs/framed_io.h"

#include <arpa/inet.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <thread>

#include <gtest/gtest.h>

#include "client/puffs/continuation.h"

namespace rpuffs::puffs {
namespace {

using Clock = EventLoop::Clock;

// Frames are LengthPrefixed(id + body); the 4-byte id pairs answers with requests.
std::string Msg(const std::string& id, const std::string& body) { return LengthPrefixed(id + body); }
std::string IdOf(const std::string& frame) { return frame.substr(4, 4); }
std::string BodyOf(const std::string& frame) { return frame.substr(8); }

template <typename Pred>
bool RunUntil(EventLoop& loop, Pred pred) {
  auto deadline = Clock::now() + std::chrono::seconds(10);
  while (!pred() && Clock::now() < deadline) loop.RunOnce(20);
  return pred();
}

// Blocking helpers for the peer's side of the socketpair.
bool ReadAll(int fd, char* p, size_t n) {
  while (n > 0) {
    ssize_t r = read(fd, p, n);
    if (r <= 0) return false;
    p += r;
    n -= static_cast<size_t>(r);
  }
  return true;
}

std::string PeerReadFrame(int fd) {
  uint32_t be = 0;
  if (!ReadAll(fd, reinterpret_cast<char*>(&be), 4)) return {};
  std::string body(ntohl(be), '\0');
  if (!ReadAll(fd, body.data(), body.size())) return {};
  return std::string(reinterpret_cast<char*>(&be), 4) + body;
}

void PeerWrite(int fd, const std::string& bytes) {
  size_t off = 0;
  while (off < bytes.size()) {
    ssize_t n = write(fd, bytes.data() + off, bytes.size() - off);
    if (n <= 0) return;
    off += static_cast<size_t>(n);
  }
}

class FramedIoTest : public ::testing::Test {
 protected:
  void SetUp() override {
    int sv[2];
    ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
    ours_ = sv[0];
    peer_ = sv[1];
    int small = 16 * 1024;  // make partial writes certain
    setsockopt(ours_, SOL_SOCKET, SO_SNDBUF, &small, sizeof small);
    setsockopt(peer_, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
  }
  void TearDown() override {
    io_.reset();
    if (peer_thread_.joinable()) peer_thread_.join();
    if (ours_ >= 0) close(ours_);
    if (peer_ >= 0) close(peer_);
  }
  FrameCallbacks Callbacks() {
    FrameCallbacks cbs;
    cbs.read_frame = &ReadLengthPrefixedFrame;
    cbs.write_frame = &WriteFrameBytes;
    cbs.compare = [](const std::string& req, const std::string& ans) { return IdOf(req) == IdOf(ans); };
    cbs.got_frame = [this](int, std::string f) { unsolicited_.push_back(f); };
    cbs.on_error = [this](int, int err) {
      ++errors_;
      last_error_ = err;
    };
    return cbs;
  }

  EventLoop loop_;
  StackPool pool_;
  std::unique_ptr<FramedIo> io_ = std::make_unique<FramedIo>(loop_);
  int ours_ = -1;
  int peer_ = -1;
  std::thread peer_thread_;
  std::vector<std::string> unsolicited_;
  int errors_ = 0;
  int last_error_ = 0;
};

TEST_F(FramedIoTest, OutOfOrderAnswersReachTheRightWaiter) {
  ASSERT_EQ(io_->AddFd(ours_, Callbacks()), 0);
  peer_thread_ = std::thread([this] {
    std::string a = PeerReadFrame(peer_);
    std::string b = PeerReadFrame(peer_);
    PeerWrite(peer_, Msg(IdOf(b), "answer-" + BodyOf(b)));  // second request first
    PeerWrite(peer_, Msg(IdOf(a), "answer-" + BodyOf(a)));
  });
  std::string got1, got2;
  int rc1 = -1, rc2 = -1;
  Continuation::Continue(Continuation::Spawn(pool_, [&] { rc1 = io_->SendAndWait(ours_, Msg("id01", "one"), &got1); }));
  Continuation::Continue(Continuation::Spawn(pool_, [&] { rc2 = io_->SendAndWait(ours_, Msg("id02", "two"), &got2); }));
  EXPECT_EQ(io_->WaiterCount(ours_), 2u);
  ASSERT_TRUE(RunUntil(loop_, [&] { return rc1 != -1 && rc2 != -1; }));
  EXPECT_EQ(rc1, 0);
  EXPECT_EQ(rc2, 0);
  EXPECT_EQ(BodyOf(got1), "answer-one");
  EXPECT_EQ(BodyOf(got2), "answer-two");
  EXPECT_EQ(io_->WaiterCount(ours_), 0u);
  EXPECT_TRUE(unsolicited_.empty());
}

TEST_F(FramedIoTest, LargeFramesSurvivePartialReadsAndWrites) {
  ASSERT_EQ(io_->AddFd(ours_, Callbacks()), 0);
  std::string big(4 << 20, '\0');
  for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>(i * 7);
  std::string answer;
  int rc = -1;
  Continuation::Continue(
      Continuation::Spawn(pool_, [&] { rc = io_->SendAndWait(ours_, Msg("big1", big), &answer); }));
  // Nobody reads yet, so 4 MiB cannot have gone out at once.
  EXPECT_TRUE(io_->IsOutputWatched(ours_));
  peer_thread_ = std::thread([this] {
    std::string req = PeerReadFrame(peer_);
    PeerWrite(peer_, Msg(IdOf(req), BodyOf(req)));  // echo, just as big
  });
  ASSERT_TRUE(RunUntil(loop_, [&] { return rc != -1; }));
  EXPECT_EQ(rc, 0);
  EXPECT_TRUE(BodyOf(answer) == big);
  EXPECT_FALSE(io_->IsOutputWatched(ours_));
}

TEST_F(FramedIoTest, OutputIsWatchedOnlyWhileQueued) {
  ASSERT_EQ(io_->AddFd(ours_, Callbacks()), 0);
  EXPECT_FALSE(io_->IsOutputWatched(ours_));
  EXPECT_EQ(io_->Send(ours_, Msg("sml1", "small")), 0);
  EXPECT_FALSE(io_->IsOutputWatched(ours_));  // went out at once
  EXPECT_EQ(io_->OutputArmCount(ours_), 0u);
  // The peer does not read: output piles up and EPOLLOUT is armed.
  size_t total = Msg("sml1", "small").size();
  const std::string chunk = Msg("blk1", std::string(256 * 1024, 'x'));
  for (int i = 0; i < 64 && !io_->IsOutputWatched(ours_); ++i) {
    ASSERT_EQ(io_->Send(ours_, chunk), 0);
    total += chunk.size();
  }
  ASSERT_TRUE(io_->IsOutputWatched(ours_));
  EXPECT_GT(io_->QueuedFrames(ours_), 0u);
  EXPECT_EQ(io_->OutputArmCount(ours_), 1u);
  loop_.RunOnce(0);
  EXPECT_TRUE(io_->IsOutputWatched(ours_));  // still full
  std::atomic<size_t> drained{0};
  peer_thread_ = std::thread([&, total] {
    std::vector<char> buf(64 * 1024);
    while (drained < total) {
      ssize_t n = read(peer_, buf.data(), buf.size());
      if (n <= 0) return;
      drained += static_cast<size_t>(n);
    }
  });
  ASSERT_TRUE(RunUntil(loop_, [&] { return io_->QueuedFrames(ours_) == 0; }));
  EXPECT_FALSE(io_->IsOutputWatched(ours_));
  EXPECT_EQ(io_->OutputDisarmCount(ours_), 1u);
  peer_thread_.join();
  EXPECT_EQ(drained.load(), total);
}

TEST_F(FramedIoTest, PeerCloseFailsWaitersAndNotifiesOnce) {
  ASSERT_EQ(io_->AddFd(ours_, Callbacks()), 0);
  int rc = -1;
  int cb_err = -1;
  Continuation::Continue(Continuation::Spawn(pool_, [&] {
    std::string answer;
    rc = io_->SendAndWait(ours_, Msg("wait", "x"), &answer);
  }));
  ASSERT_EQ(io_->SendAndCallback(ours_, Msg("call", "y"), [&](int err, std::string) { cb_err = err; }), 0);
  EXPECT_EQ(io_->WaiterCount(ours_), 2u);
  close(peer_);
  peer_ = -1;
  ASSERT_TRUE(RunUntil(loop_, [&] { return rc != -1 && cb_err != -1; }));
  EXPECT_EQ(rc, ECONNRESET);
  EXPECT_EQ(cb_err, ECONNRESET);
  EXPECT_EQ(errors_, 1);
  EXPECT_EQ(last_error_, ECONNRESET);
  EXPECT_EQ(io_->Send(ours_, Msg("late", "z")), ECONNRESET);
  EXPECT_FALSE(loop_.HasFd(ours_));
}

TEST_F(FramedIoTest, CallbackAnswersAndUnsolicitedFrames) {
  ASSERT_EQ(io_->AddFd(ours_, Callbacks()), 0);
  peer_thread_ = std::thread([this] {
    PeerWrite(peer_, Msg("push", "hello"));
    std::string req = PeerReadFrame(peer_);
    PeerWrite(peer_, Msg(IdOf(req), "pong"));
  });
  std::string got;
  int err = -1;
  ASSERT_EQ(io_->SendAndCallback(ours_, Msg("ping", ""), [&](int e, std::string a) {
              err = e;
              got = BodyOf(a);
            }),
            0);
  ASSERT_TRUE(RunUntil(loop_, [&] { return err != -1 && unsolicited_.size() == 1; }));
  EXPECT_EQ(err, 0);
  EXPECT_EQ(got, "pong");
  EXPECT_EQ(BodyOf(unsolicited_[0]), "hello");
}

TEST_F(FramedIoTest, RemovedFdFailsWaitersWithECANCELED) {
  ASSERT_EQ(io_->AddFd(ours_, Callbacks()), 0);
  int rc = -1;
  Continuation::Continue(Continuation::Spawn(pool_, [&] {
    std::string answer;
    rc = io_->SendAndWait(ours_, Msg("wait", "x"), &answer);
  }));
  EXPECT_EQ(io_->RemoveFd(ours_), 0);
  EXPECT_EQ(rc, ECANCELED);
  EXPECT_EQ(errors_, 0);
  EXPECT_EQ(io_->Send(ours_, Msg("late", "z")), ENOENT);
}

}  // namespace
}  // namespace rpuffs::puffs
