#include "client/puffs/usermount.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <mutex>

#include <gtest/gtest.h>

#include "tests/client/puffs/mounted_fs.h"
#include "tests/client/puffs/tiny_fs.h"
#include "tests/support/test_support.h"

namespace rpuffs::puffs {
namespace {

using rpuffs::testing::IsFuseMounted;

TEST(UsermountTest, SettersWorkBeforeMount) {
  Ops ops;
  Usermount um(ops);
  EXPECT_EQ(um.state(), MountState::kBeforeMount);
  EXPECT_EQ(um.SetStackSize(100000), 0);
  EXPECT_EQ(um.stack_size(), 131072u);
  EXPECT_EQ(um.SetMaxRequestLength(128 * 1024), 0);
  RootInfo root;
  root.mode = S_IFDIR | 0700;
  EXPECT_EQ(um.SetRootInfo(root), 0);
  EXPECT_EQ(um.root_info().mode, static_cast<mode_t>(S_IFDIR | 0700));
  EXPECT_EQ(um.SetLoopFunction([] {}), 0);
  EXPECT_EQ(um.SetLoopTimeout(std::chrono::milliseconds(100)), 0);
  EXPECT_EQ(um.SetOpHooks(nullptr, nullptr), 0);
  EXPECT_EQ(um.SetErrorNotifier([](int, const std::string&) {}), 0);
  EXPECT_EQ(um.SetMountOptions({"ro"}), 0);
  EXPECT_EQ(um.SetDebug(false), 0);
  EXPECT_EQ(um.Run(), EINVAL);  // not mounted
}

TEST(UsermountTest, FailedMountStaysBeforeMount) {
  Ops ops;
  Usermount um(ops);
  um.SetHandleSignals(false);
  std::string error;
  EXPECT_NE(um.Mount("/nonexistent/rpuffs-mnt", {}, &error), 0);
  EXPECT_FALSE(error.empty());
  EXPECT_EQ(um.state(), MountState::kBeforeMount);
}

TEST(UsermountTest, StateMachineAndSettersRefusedAfterMount) {
  testfs::Counters counters;
  Ops ops = testfs::MakeTinyFs(&counters);
  int pre = 0, post = 0;
  testfs::MountedFs m(ops);
  ASSERT_TRUE(m.ok()) << m.error();
  Usermount& um = m.usermount();
  EXPECT_EQ(um.state(), MountState::kRunning);
  EXPECT_EQ(um.SetStackSize(1 << 20), EBUSY);
  EXPECT_EQ(um.stack_size(), kDefaultStackSize);
  EXPECT_EQ(um.SetMaxRequestLength(4096), EBUSY);
  EXPECT_EQ(um.SetRootInfo(RootInfo{}), EBUSY);
  EXPECT_EQ(um.SetLoopFunction([] {}), EBUSY);
  EXPECT_EQ(um.SetLoopTimeout(std::chrono::milliseconds(1)), EBUSY);
  EXPECT_EQ(um.SetOpHooks([&](Request&) { ++pre; }, [&](Request&) { ++post; }), EBUSY);
  EXPECT_EQ(um.SetErrorNotifier(nullptr), EBUSY);
  EXPECT_EQ(um.SetMountOptions({}), EBUSY);
  EXPECT_EQ(um.Mount(m.path()), EBUSY);
  struct stat st;
  ASSERT_EQ(stat(m.Sub("hello").c_str(), &st), 0);
  EXPECT_EQ(pre, 0);  // the refused hooks never ran
  EXPECT_EQ(m.Stop(), 0);
  EXPECT_EQ(um.state(), MountState::kUnmounted);
  EXPECT_FALSE(IsFuseMounted(m.path()));
  EXPECT_EQ(um.SetDebug(true), EBUSY);
}

TEST(UsermountTest, NotifierInvalidatesACachedEntry) {
  testfs::Counters counters;
  Ops ops = testfs::MakeTinyFs(&counters);
  testfs::MountedFs m(ops);
  ASSERT_TRUE(m.ok()) << m.error();
  struct stat st;
  ASSERT_EQ(stat(m.Sub("hello").c_str(), &st), 0);
  ASSERT_EQ(stat(m.Sub("hello").c_str(), &st), 0);
  EXPECT_EQ(counters.hello_lookups.load(), 1);  // the second came from the cache
  Notifier* notifier = m.usermount().notifier();
  ASSERT_NE(notifier, nullptr);
  notifier->InvalidateEntry(kRootIno, "hello");
  notifier->Flush();
  EXPECT_EQ(notifier->sent(), 1u);
  EXPECT_EQ(notifier->failed(), 0u);
  ASSERT_EQ(stat(m.Sub("hello").c_str(), &st), 0);
  EXPECT_EQ(counters.hello_lookups.load(), 2);
}

TEST(UsermountTest, HooksRunAroundEveryOp) {
  testfs::Counters counters;
  Ops ops = testfs::MakeTinyFs(&counters);
  std::atomic<int> pre{0}, post{0};
  rpuffs::testing::TempDir dir;
  std::string mnt = dir.Sub("mnt");
  mkdir(mnt.c_str(), 0755);
  rpuffs::testing::MountGuard guard(mnt);
  Usermount um(ops);
  std::mutex mu;
  Caller seen_caller;
  std::vector<gid_t> seen_groups;
  ASSERT_EQ(um.SetOpHooks(
                [&](Request& r) {
                  ++pre;
                  std::lock_guard<std::mutex> lock(mu);
                  seen_caller = r.caller();
                  seen_groups = r.groups();
                },
                [&](Request&) { ++post; }),
            0);
  std::atomic<bool> looked_up{false};
  std::thread t([&] {
    um.SetHandleSignals(false);
    if (um.Mount(mnt) != 0) return;
    um.Run();
  });
  EXPECT_TRUE(rpuffs::testing::WaitUntil([&] {
    struct stat st;
    return stat((mnt + "/hello").c_str(), &st) == 0;
  }));
  um.Exit();
  t.join();
  EXPECT_GE(pre.load(), 1);
  EXPECT_EQ(pre.load(), post.load());
  EXPECT_FALSE(IsFuseMounted(mnt));
  // The caller is this process (its main thread made the last call).
  std::vector<gid_t> groups(getgroups(0, nullptr));
  groups.resize(getgroups(static_cast<int>(groups.size()), groups.data()));
  std::lock_guard<std::mutex> lock(mu);
  EXPECT_EQ(seen_caller.pid, getpid());
  EXPECT_EQ(seen_caller.uid, geteuid());
  EXPECT_EQ(seen_caller.gid, getegid());
  std::sort(groups.begin(), groups.end());
  std::sort(seen_groups.begin(), seen_groups.end());
  EXPECT_EQ(seen_groups, groups);
}

}  // namespace
}  // namespace rpuffs::puffs
