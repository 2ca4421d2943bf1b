// Notifier stores and their barrier (client/puffs/notifier.h), on a session
// that was never mounted: libfuse refuses every notification at once
// (ENOSYS before INIT), so what is tested is the queue's order and
// bookkeeping, not the kernel's page cache (tests/client/rpuffs/
// read_around_test.cc covers that through real mounts).
#include "client/puffs/notifier.h"

#include <gtest/gtest.h>

#include <atomic>
#include <memory>

#include "tests/support/test_support.h"

namespace rpuffs::puffs {
namespace {

class NotifierStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char arg0[] = "notifier_store_test";
    char* argv[] = {arg0, nullptr};
    fuse_args args = FUSE_ARGS_INIT(1, argv);
    fuse_lowlevel_ops ops{};
    se_ = fuse_session_new(&args, &ops, sizeof ops, nullptr);
    ASSERT_NE(se_, nullptr);
    notifier_ = std::make_unique<Notifier>(se_);
  }
  void TearDown() override {
    notifier_.reset();
    if (se_ != nullptr) fuse_session_destroy(se_);
  }
  fuse_session* se_ = nullptr;
  std::unique_ptr<Notifier> notifier_;
};

TEST_F(NotifierStoreTest, BarrierWithNothingPendingRunsAtOnce) {
  bool ran = false;
  EXPECT_TRUE(notifier_->WhenStoresSent(7, [&] { ran = true; }));
  EXPECT_TRUE(ran);
  EXPECT_EQ(notifier_->PendingStores(7), 0u);
}

TEST_F(NotifierStoreTest, BarrierRunsOnceTheStoresQueuedBeforeItAreDone) {
  constexpr int kStores = 200;
  for (int i = 0; i < kStores; ++i) notifier_->Store(5, i * 4096, std::string(4096, 'x'));
  notifier_->Store(6, 0, std::string(100, 'y'));
  std::atomic<bool> ran{false};
  std::atomic<size_t> pending_then{99};
  std::atomic<uint64_t> done_then{0};
  bool at_once = notifier_->WhenStoresSent(5, [&] {
    pending_then = notifier_->PendingStores(5);
    done_then = notifier_->sent() + notifier_->failed();
    ran = true;
  });
  ASSERT_TRUE(rpuffs::testing::WaitUntil([&] { return ran.load(); }));
  EXPECT_EQ(pending_then.load(), 0u);
  // In queue order: all of ino 5's stores were handled before the barrier.
  EXPECT_GE(done_then.load(), static_cast<uint64_t>(kStores)) << "at once: " << at_once;
  notifier_->Flush();
  EXPECT_EQ(notifier_->PendingStores(6), 0u);
  EXPECT_EQ(notifier_->sent() + notifier_->failed(), static_cast<uint64_t>(kStores + 1));
  EXPECT_EQ(notifier_->stored_bytes(), 0u);  // refused: never mounted
}

TEST_F(NotifierStoreTest, EmptyStoresAreNotQueued) {
  notifier_->Store(5, 0, std::string());
  EXPECT_EQ(notifier_->PendingStores(5), 0u);
  notifier_->Flush();
  EXPECT_EQ(notifier_->sent() + notifier_->failed(), 0u);
}

TEST_F(NotifierStoreTest, StopDropsQueuedStoresButRunsBarriers) {
  constexpr int kStores = 2000;
  for (int i = 0; i < kStores; ++i) notifier_->Store(5, i * 4096, std::string(4096, 'x'));
  std::atomic<bool> ran{false};
  notifier_->WhenStoresSent(5, [&] { ran = true; });
  notifier_->Stop();
  EXPECT_TRUE(ran.load());
  EXPECT_EQ(notifier_->PendingStores(5), 0u);
  EXPECT_LE(notifier_->sent() + notifier_->failed(), static_cast<uint64_t>(kStores));
}

TEST_F(NotifierStoreTest, AfterStopNothingIsQueuedAndBarriersRunAtOnce) {
  notifier_->Stop();
  notifier_->Store(5, 0, std::string(4096, 'x'));
  EXPECT_EQ(notifier_->PendingStores(5), 0u);
  bool ran = false;
  EXPECT_TRUE(notifier_->WhenStoresSent(5, [&] { ran = true; }));
  EXPECT_TRUE(ran);
}

}  // namespace
}  // namespace rpuffs::puffs
