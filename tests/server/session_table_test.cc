// server/session_table on a real volume (RocksDB in a temp dir): leases,
// reaping, the in-flight rule, restore after restart, close.
#include "server/session_table.h"

#include <algorithm>
#include <chrono>
#include <vector>

#include <gtest/gtest.h>

#include "storage/store.h"
#include "tests/support/test_support.h"

namespace rpuffs::server {
namespace {

using std::chrono::milliseconds;
using testing::TempDir;
using testing::WaitUntil;

class SessionTableTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = storage::Store::Open(dir_.path());
    ASSERT_TRUE(store.ok()) << store.status().message();
    store_ = std::move(store).value();
    volume_ = store_->Find("default");
    ASSERT_NE(volume_, nullptr);
  }

  bool Recorded(uint64_t id) {
    auto ids = volume_->ListSessions();
    EXPECT_TRUE(ids.ok());
    return ids.ok() && std::count(ids.value().begin(), ids.value().end(), id) == 1;
  }

  // A new session of `table` on the volume, acquired (empty on failure).
  SessionRef NewSession(SessionTable& table) {
    auto id = table.Create("default", volume_);
    EXPECT_TRUE(id.ok());
    return id.ok() ? table.Acquire(id.value()) : SessionRef();
  }

  TempDir dir_;
  std::unique_ptr<storage::Store> store_;
  storage::Volume* volume_ = nullptr;
};

TEST_F(SessionTableTest, CreateRecordsSessionAndAcquireFindsIt) {
  SessionTable table(milliseconds(60000));
  auto id = table.Create("default", volume_);
  ASSERT_TRUE(id.ok());
  EXPECT_NE(id.value(), 0u);
  EXPECT_TRUE(Recorded(id.value()));
  SessionRef ref = table.Acquire(id.value());
  ASSERT_TRUE(ref);
  EXPECT_EQ(ref->volume(), volume_);
  EXPECT_FALSE(table.Acquire(id.value() + 1));
  EXPECT_TRUE(table.Resume(id.value(), "default"));
  EXPECT_FALSE(table.Resume(id.value(), "other"));
}

TEST_F(SessionTableTest, ExpiredSessionIsReapedAndDropped) {
  SessionTable table(milliseconds(100));
  auto id = table.Create("default", volume_);
  ASSERT_TRUE(id.ok());
  ASSERT_TRUE(WaitUntil([&] { return table.ReapExpired() == 1; }, std::chrono::seconds(10)));
  EXPECT_FALSE(table.Acquire(id.value()));
  EXPECT_FALSE(Recorded(id.value()));
  EXPECT_EQ(table.size(), 0u);
}

TEST_F(SessionTableTest, EndHookHearsCloseAndExpiryAndAliveRenewsNothing) {
  SessionTable table(milliseconds(200));
  std::vector<uint64_t> ended;
  table.SetEndHook([&ended](uint64_t id) { ended.push_back(id); });
  auto closed = table.Create("default", volume_);
  auto expiring = table.Create("default", volume_);
  ASSERT_TRUE(closed.ok() && expiring.ok());
  EXPECT_TRUE(table.Alive(closed.value()));
  ASSERT_TRUE(table.Close(closed.value()).ok());
  EXPECT_FALSE(table.Alive(closed.value()));
  EXPECT_EQ(ended, std::vector<uint64_t>{closed.value()});

  // Polling Alive() must not keep the session alive.
  EXPECT_TRUE(WaitUntil([&] { return !table.Alive(expiring.value()); }, std::chrono::seconds(10)));
  EXPECT_EQ(table.ReapExpired(), 1u);
  EXPECT_EQ(ended, (std::vector<uint64_t>{closed.value(), expiring.value()}));
}

TEST_F(SessionTableTest, SessionWithRequestInFlightIsNotReaped) {
  SessionTable table(milliseconds(100));
  auto id = table.Create("default", volume_);
  ASSERT_TRUE(id.ok());
  {
    SessionRef in_flight = table.Acquire(id.value());
    ASSERT_TRUE(in_flight);
    auto expired_at = std::chrono::steady_clock::now() + milliseconds(150);
    ASSERT_TRUE(WaitUntil([&] { return std::chrono::steady_clock::now() > expired_at; }));
    EXPECT_EQ(table.ReapExpired(), 0u) << "a request still holds the session";
    EXPECT_TRUE(Recorded(id.value()));
  }
  EXPECT_EQ(table.ReapExpired(), 1u);
  EXPECT_FALSE(Recorded(id.value()));
}

TEST_F(SessionTableTest, RestoredSessionsAreLiveAgain) {
  uint64_t id = 0;
  {
    SessionTable before(milliseconds(60000));
    auto created = before.Create("default", volume_);
    ASSERT_TRUE(created.ok());
    id = created.value();
  }
  SessionTable after(milliseconds(60000));
  auto recorded = volume_->ListSessions();
  ASSERT_TRUE(recorded.ok());
  after.Restore("default", volume_, recorded.value());
  EXPECT_TRUE(after.Resume(id, "default"));
  SessionRef ref = after.Acquire(id);
  ASSERT_TRUE(ref);
  // Handles of a restored session may hold writes of the previous run.
  EXPECT_TRUE(ref->TakeWritten(12345));
}

TEST_F(SessionTableTest, WrittenHandlesAreTakenOnce) {
  SessionTable table(milliseconds(60000));
  SessionRef ref = NewSession(table);
  ASSERT_TRUE(ref);
  ref->MarkWritten(7);
  EXPECT_TRUE(ref->TakeWritten(7));
  EXPECT_FALSE(ref->TakeWritten(7));
  EXPECT_FALSE(ref->TakeWritten(8));
}

TEST_F(SessionTableTest, ClearedWrittenHandlesCanBeRestored) {
  SessionTable table(milliseconds(60000));
  SessionRef ref = NewSession(table);
  ASSERT_TRUE(ref);
  ref->MarkWritten(7);
  ref->MarkWritten(8);
  auto cleared = ref->ClearWritten();
  EXPECT_EQ(cleared.size(), 2u);
  ref->MarkWritten(9);  // written after the clear
  EXPECT_FALSE(ref->TakeWritten(7));
  ref->RestoreWritten(std::move(cleared));
  EXPECT_TRUE(ref->TakeWritten(7));
  EXPECT_TRUE(ref->TakeWritten(8));
  EXPECT_TRUE(ref->TakeWritten(9));
}

TEST_F(SessionTableTest, ReleaseOutcomesAreKeptUntilAckedAndBounded) {
  SessionTable table(milliseconds(60000));
  SessionRef ref = NewSession(table);
  ASSERT_TRUE(ref);
  EXPECT_FALSE(ref->ReleaseOutcome(5).has_value());
  ref->RecordRelease(5, 0);
  ref->RecordRelease(6, EBADF);
  EXPECT_EQ(ref->ReleaseOutcome(5), 0);
  EXPECT_EQ(ref->ReleaseOutcome(6), EBADF);
  ref->Ack(6);  // everything below 6 was answered
  EXPECT_FALSE(ref->ReleaseOutcome(5).has_value());
  EXPECT_EQ(ref->ReleaseOutcome(6), EBADF);
  for (uint64_t seq = 100; seq < 100 + 5000; ++seq) ref->RecordRelease(seq, 0);
  EXPECT_FALSE(ref->ReleaseOutcome(6).has_value()) << "the oldest went";
  EXPECT_TRUE(ref->ReleaseOutcome(100 + 4999).has_value());
}

TEST_F(SessionTableTest, CloseForgetsAndDropsSession) {
  SessionTable table(milliseconds(60000));
  auto id = table.Create("default", volume_);
  ASSERT_TRUE(id.ok());
  EXPECT_TRUE(table.Close(id.value()).ok());
  EXPECT_FALSE(table.Acquire(id.value()));
  EXPECT_FALSE(Recorded(id.value()));
  EXPECT_TRUE(table.Close(id.value()).ok()) << "closing twice is harmless";
}

TEST_F(SessionTableTest, ReaperThreadExpiresSessions) {
  SessionTable table(milliseconds(100));
  table.StartReaper();
  auto id = table.Create("default", volume_);
  ASSERT_TRUE(id.ok());
  EXPECT_TRUE(WaitUntil([&] { return table.size() == 0; }, std::chrono::seconds(10)));
  EXPECT_FALSE(Recorded(id.value()));
  table.StopReaper();
}

}  // namespace
}  // namespace rpuffs::server
