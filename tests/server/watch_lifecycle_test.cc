// Watch streams over their life: a watcher that does not read (coalescing,
// overflow), and every way a stream ends: Goodbye, a second watch of the
// session, session expiry, the client cancelling, SIGTERM of rpuffsd.
#include <signal.h>
#include <sys/wait.h>

#include <sstream>

#include <gtest/gtest.h>

#include "tests/server/rpuffsd_harness.h"
#include "tests/server/watch_stream.h"

namespace rpuffs::testing {
namespace {

using std::chrono::seconds;
using Stub = v1::Volume::Stub;
using Changes = std::vector<v1::Change>;

constexpr int kQueueLimit = 8192;  // the server's per-watcher queue (server/watcher.h)

class WatchLifecycleTest : public ::testing::Test {
 protected:
  // Starts rpuffsd with `args`, connects the writer and the watcher's client.
  void Start(std::vector<std::string> args = {}) {
    server_ = std::make_unique<Rpuffsd>(data_.path(), std::move(args));
    ASSERT_TRUE(server_->WaitServing()) << server_->process().Output();
    writer_ = std::make_unique<Client>(server_->address());
    ASSERT_EQ(writer_->Connect().err(), 0);
    watcher_ = std::make_unique<Client>(server_->address());
    ASSERT_EQ(watcher_->Connect().err(), 0);
  }

  // A watch of the watcher's session, past its started event.
  std::unique_ptr<WatchStream> OpenWatch(bool small_window = false) {
    auto w = std::make_unique<WatchStream>(server_->address(), watcher_->session(), small_window);
    v1::WatchEvent first;
    EXPECT_TRUE(w->ReadNow(&first) && first.started()) << first.DebugString();
    return w;
  }

  uint64_t NewFile(const std::string& name) {
    v1::CreateReply f = writer_->Create(1, name);
    EXPECT_EQ(f.err(), 0) << name;
    return f.attr().ino();
  }

  void Chmod(uint64_t ino) {
    v1::SetAttrRequest req;
    req.set_ino(ino);
    req.set_valid(v1::SET_MODE);
    req.set_mode(0600);
    EXPECT_EQ(writer_->Must(&Stub::SetAttr, req, "SetAttr").err(), 0);
  }

  static std::string Name(int i, size_t length) {
    std::string name = "n" + std::to_string(i) + "-";
    name.resize(length, 'x');
    return name;
  }

  bool LogHas(const std::string& text) { return server_->process().Output().find(text) != std::string::npos; }

  static std::string Hex(uint64_t v) {
    std::ostringstream out;
    out << std::hex << v;
    return out.str();
  }

  TempDir data_;
  std::unique_ptr<Rpuffsd> server_;
  std::unique_ptr<Client> writer_;
  std::unique_ptr<Client> watcher_;
};

TEST_F(WatchLifecycleTest, ConsecutiveDuplicatesAreCoalescedWhileTheWatcherIsBehind) {
  ASSERT_NO_FATAL_FAILURE(Start());
  auto watch = OpenWatch(/*small_window=*/true);
  // Not read: ~2000 long-named notices (~450 KB) fill the stream's small
  // receive window, so the server's writes stall and the rest queue up.
  constexpr int kFiles = 1000;
  Changes want;
  for (int i = 0; i < kFiles; ++i) {
    const std::string name = Name(i, 200);
    NewFile(name);
    want.push_back(InodeChange(1));
    want.push_back(EntryChange(1, name));
  }
  v1::CreateReply f = writer_->Create(1, "target");
  want.push_back(InodeChange(1));
  want.push_back(EntryChange(1, "target"));
  for (int i = 0; i < 50; ++i) ASSERT_EQ(writer_->Write(f.attr().ino(), f.fh(), i, "w").err(), 0);
  want.push_back(InodeChange(f.attr().ino()));  // fifty writes, one notice
  const uint64_t marker = NewFile("marker");
  Chmod(marker);
  want.push_back(InodeChange(1));
  want.push_back(EntryChange(1, "marker"));
  want.push_back(InodeChange(marker));

  watch->StartReading();
  Changes got = CollectChanges(*watch, want.size(), seconds(30));
  ASSERT_EQ(got.size(), want.size()) << Describe(Changes(got.end() - std::min<size_t>(got.size(), 8), got.end()));
  EXPECT_TRUE(SameChanges(got, want)) << "last received: " << Describe(Changes(got.end() - 8, got.end()));
}

TEST_F(WatchLifecycleTest, WatcherThatDoesNotReadGetsOverflowThenNewChanges) {
  ASSERT_NO_FATAL_FAILURE(Start());
  auto watch = OpenWatch(/*small_window=*/true);
  // Two notices per create: well past the queue limit while nothing is read.
  const int files = kQueueLimit;
  for (int i = 0; i < files; ++i) NewFile(Name(i, 40));

  v1::WatchEvent ev;
  bool overflow = false;
  for (int events = 0; events < 2 * files && !overflow && watch->ReadNow(&ev); ++events) {
    overflow = ev.overflow();
  }
  ASSERT_TRUE(overflow);
  EXPECT_EQ(ev.changes_size(), 0);
  // The receiver has dropped its cache; what changes from now on arrives.
  Chmod(1);
  ASSERT_TRUE(watch->ReadNow(&ev));
  EXPECT_FALSE(ev.overflow());
  EXPECT_EQ(Describe({ev.changes().begin(), ev.changes().end()}), Describe({InodeChange(1)}));
}

TEST_F(WatchLifecycleTest, GoodbyeEndsTheStreamOk) {
  ASSERT_NO_FATAL_FAILURE(Start());
  auto watch = OpenWatch();
  watch->StartReading();
  v1::GoodbyeRequest bye;
  ASSERT_EQ(watcher_->Must(&Stub::Goodbye, bye, "Goodbye").err(), 0);
  auto st = watch->Finished();
  ASSERT_TRUE(st.has_value()) << "stream still open after Goodbye";
  EXPECT_TRUE(st->ok()) << st->error_code() << " " << st->error_message();
}

TEST_F(WatchLifecycleTest, SecondWatchOfSessionEndsFirstWithAlreadyExists) {
  ASSERT_NO_FATAL_FAILURE(Start());
  auto first = OpenWatch();
  first->StartReading();
  auto second = OpenWatch();
  second->StartReading();
  auto st = first->Finished();
  ASSERT_TRUE(st.has_value()) << "first stream still open";
  EXPECT_EQ(st->error_code(), grpc::StatusCode::ALREADY_EXISTS);

  Chmod(1);
  Changes got = CollectChanges(*second, 1);
  EXPECT_EQ(Describe(got), Describe({InodeChange(1)}));
}

TEST_F(WatchLifecycleTest, SessionExpiryEndsTheStreamOk) {
  ASSERT_NO_FATAL_FAILURE(Start({"--lease-ms", "300"}));
  auto watch = OpenWatch();
  watch->StartReading();
  // The watcher's session is never renewed: the reaper ends it.
  auto st = watch->Finished(seconds(20));
  ASSERT_TRUE(st.has_value()) << "stream still open after the lease ran out";
  EXPECT_TRUE(st->ok()) << st->error_code() << " " << st->error_message();
}

TEST_F(WatchLifecycleTest, CancelledWatchIsFreedAndServerKeepsServing) {
  ASSERT_NO_FATAL_FAILURE(Start({"--log-level", "debug"}));
  auto watch = OpenWatch();
  watch->StartReading();
  watch->Cancel();
  auto st = watch->Finished();
  ASSERT_TRUE(st.has_value());
  EXPECT_EQ(st->error_code(), grpc::StatusCode::CANCELLED);
  const std::string closed = "event=watch-close session=" + Hex(watcher_->session());
  EXPECT_TRUE(WaitUntil([&] { return LogHas(closed); })) << server_->process().Output();

  Chmod(1);  // published to nobody
  auto again = OpenWatch();
  again->StartReading();
  Chmod(1);
  EXPECT_EQ(Describe(CollectChanges(*again, 1)), Describe({InodeChange(1)}));
}

TEST_F(WatchLifecycleTest, SigtermWithOpenWatchesExitsZero) {
  ASSERT_NO_FATAL_FAILURE(Start());
  auto reading = OpenWatch();
  reading->StartReading();
  // A second session whose watch is never read, with its window full.
  Client stalled_client(server_->address());
  ASSERT_EQ(stalled_client.Connect().err(), 0);
  WatchStream stalled(server_->address(), stalled_client.session(), /*small_window=*/true);
  for (int i = 0; i < 500; ++i) NewFile(Name(i, 200));

  EXPECT_TRUE(StoppedCleanly(server_->process())) << server_->process().Output();
  auto st = reading->Finished();
  ASSERT_TRUE(st.has_value());
  EXPECT_TRUE(st->ok()) << st->error_code() << " " << st->error_message();
}

}  // namespace
}  // namespace rpuffs::testing
