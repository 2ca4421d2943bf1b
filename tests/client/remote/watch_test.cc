// RemoteVolume's watch against a real rpuffsd: it starts, reports another
// session's changes, stops and starts again across a server restart, and is
// drained when the volume goes away.
#include <mutex>
#include <vector>

#include "tests/client/remote/remote_test_util.h"

namespace rpuffs::remote {
namespace {

using Kind = WatchUpdate::Kind;
constexpr auto kDeadline = std::chrono::seconds(20);

// Collects what a watch reports (gRPC threads) for the test thread.
class Recorder {
 public:
  WatchCallback Callback() {
    return [this](WatchUpdate u) {
      std::lock_guard<std::mutex> lock(mu_);
      updates_.push_back(std::move(u));
    };
  }
  int Count(Kind kind) {
    std::lock_guard<std::mutex> lock(mu_);
    int n = 0;
    for (const auto& u : updates_) n += u.kind == kind;
    return n;
  }
  bool SawName(uint64_t parent, const std::string& name) {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& u : updates_) {
      for (const auto& c : u.changes) {
        if (c.parent() == parent && c.name() == name) return true;
      }
    }
    return false;
  }
  Kind First() {
    std::lock_guard<std::mutex> lock(mu_);
    return updates_.empty() ? Kind::kChanges : updates_.front().kind;
  }

 private:
  std::mutex mu_;
  std::vector<WatchUpdate> updates_;
};

TEST_F(RemoteTest, WatchReportsAnotherSessionsChangesAndRestartsAfterServerRestart) {
  Recorder rec;
  auto watcher = ConnectOrFail(server_->address());
  ASSERT_TRUE(watcher);
  watcher->StartWatch(rec.Callback());
  ASSERT_TRUE(rpuffs::testing::WaitUntil([&] { return rec.Count(Kind::kStarted) == 1; }, kDeadline));
  EXPECT_EQ(rec.First(), Kind::kStarted);
  EXPECT_TRUE(watcher->watching());
  NewFile("made-by-other");
  EXPECT_TRUE(rpuffs::testing::WaitUntil(
      [&] { return rec.SawName(volume_->root_ino(), "made-by-other"); }, kDeadline));
  // Its own changes are not reported to it.
  CreateFile(*watcher, "made-by-self");
  NewFile("marker");
  ASSERT_TRUE(rpuffs::testing::WaitUntil(
      [&] { return rec.SawName(volume_->root_ino(), "marker"); }, kDeadline));
  EXPECT_FALSE(rec.SawName(volume_->root_ino(), "made-by-self"));
  server_->Kill9();
  EXPECT_TRUE(rpuffs::testing::WaitUntil([&] { return rec.Count(Kind::kStopped) == 1; }, kDeadline));
  EXPECT_FALSE(watcher->watching());
  server_->Start();
  EXPECT_TRUE(rpuffs::testing::WaitUntil([&] { return rec.Count(Kind::kStarted) == 2; }, kDeadline));
  NewFile("after-restart");
  EXPECT_TRUE(rpuffs::testing::WaitUntil(
      [&] { return rec.SawName(volume_->root_ino(), "after-restart"); }, kDeadline));
  watcher.reset();  // cancels and drains the watch: nothing is reported afterwards
  int stopped = rec.Count(Kind::kStopped);
  NewFile("after-close");
  EXPECT_EQ(rec.Count(Kind::kStopped), stopped);
  EXPECT_FALSE(rec.SawName(volume_->root_ino(), "after-close"));
}

}  // namespace
}  // namespace rpuffs::remote
