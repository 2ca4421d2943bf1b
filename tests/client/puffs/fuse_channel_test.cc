// FUSE integration: the tiny test filesystem mounted for real.
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "tests/client/puffs/mounted_fs.h"
#include "tests/client/puffs/tiny_fs.h"
#include "tests/support/test_support.h"

namespace rpuffs::puffs::testfs {
namespace {

using rpuffs::testing::IsFuseMounted;
using rpuffs::testing::RunCommand;
using rpuffs::testing::WaitUntil;

class FuseChannelTest : public ::testing::Test {
 protected:
  Counters counters_;
  Ops ops_ = MakeTinyFs(&counters_);
};

TEST_F(FuseChannelTest, LookupGetattrReadRoundTrip) {
  MountedFs m(ops_);
  ASSERT_TRUE(m.ok()) << m.error();
  EXPECT_TRUE(IsFuseMounted(m.path()));
  struct stat st;
  ASSERT_EQ(stat(m.Sub("hello").c_str(), &st), 0) << strerror(errno);
  EXPECT_EQ(st.st_size, 12);
  EXPECT_TRUE(S_ISREG(st.st_mode));
  int fd = open(m.Sub("hello").c_str(), O_RDONLY);
  ASSERT_GE(fd, 0) << strerror(errno);
  char buf[64] = {};
  EXPECT_EQ(read(fd, buf, sizeof buf), 12);
  close(fd);
  EXPECT_STREQ(buf, kHelloContent);
  EXPECT_EQ(stat(m.Sub("missing").c_str(), &st), -1);
  EXPECT_EQ(errno, ENOENT);
  EXPECT_EQ(m.Stop(), 0);
  EXPECT_FALSE(IsFuseMounted(m.path()));
}

TEST_F(FuseChannelTest, OpsNotFilledAnswerENOSYS) {
  MountedFs m(ops_);
  ASSERT_TRUE(m.ok()) << m.error();
  EXPECT_EQ(mknod(m.Sub("fifo").c_str(), S_IFIFO | 0644, 0), -1);
  EXPECT_EQ(errno, ENOSYS);
  EXPECT_EQ(mkdir(m.Sub("dir").c_str(), 0755), -1);
  EXPECT_EQ(errno, ENOSYS);
}

TEST_F(FuseChannelTest, ReaddirListsEntries) {
  MountedFs m(ops_);
  ASSERT_TRUE(m.ok()) << m.error();
  std::string out;
  ASSERT_EQ(RunCommand({"/bin/ls", "-a", m.path()}, &out), 0) << out;
  EXPECT_NE(out.find("hello"), std::string::npos) << out;
  EXPECT_NE(out.find("block"), std::string::npos) << out;
  EXPECT_NE(out.find(".."), std::string::npos) << out;
}

// PARALLEL_DIROPS: with it, lookups of different names in one directory
// overlap; libfuse 3.14 alone would leave the kernel serializing them (then
// no round ever overlaps). With it, a round on this 2-vCPU machine still
// runs one lookup at a time now and then (about one in ten; cause not
// found), so up to five rounds of eight new names are tried.
TEST_F(FuseChannelTest, ParallelLookupsInOneDirectoryOverlap) {
  MountedFs m(ops_);
  ASSERT_TRUE(m.ok()) << m.error();
  constexpr int kRounds = 5, kThreads = 8;
  int rounds = 0;
  std::atomic<int> ok{0};
  while (rounds < kRounds && counters_.max_lookups_in_flight.load() < 2) {
    std::vector<std::thread> threads;
    for (int i = 0; i < kThreads; ++i) {
      threads.emplace_back([&, i] {
        struct stat st;
        std::string name = "p" + std::to_string(rounds) + "." + std::to_string(i);
        if (stat(m.Sub(name).c_str(), &st) == 0) ++ok;
      });
    }
    for (auto& t : threads) t.join();
    ++rounds;
  }
  EXPECT_EQ(ok.load(), kThreads * rounds);
  EXPECT_EQ(counters_.slow_lookups.load(), kThreads * rounds);
  EXPECT_GE(counters_.max_lookups_in_flight.load(), 2) << "in " << rounds << " rounds";
}

TEST_F(FuseChannelTest, ARequestThatWaitsSendsTheLoopBackToEpollWithoutAnEmptyRead) {
  MountedFs m(ops_);
  ASSERT_TRUE(m.ok()) << m.error();
  FuseChannel* ch = m.usermount().channel();
  ASSERT_NE(ch, nullptr);
  struct stat st;
  ASSERT_EQ(stat(m.Sub("pwarm").c_str(), &st), 0);  // INIT and any first-use requests
  const uint64_t before = ch->EmptyReads();
  constexpr int kLookups = 5;
  for (int i = 0; i < kLookups; ++i) {
    ASSERT_EQ(stat(m.Sub("pq" + std::to_string(i)).c_str(), &st), 0);  // slow (tiny_fs)
  }
  // Each slow lookup suspends: reading /dev/fuse again behind it would find
  // nothing (this thread is blocked in stat), so the loop must not try.
  EXPECT_LT(ch->EmptyReads() - before, static_cast<uint64_t>(kLookups));
  EXPECT_EQ(counters_.slow_lookups.load(), kLookups + 1);
}

void NoopHandler(int) {}

TEST_F(FuseChannelTest, InterruptedReadReturnsEINTR) {
  MountedFs m(ops_);
  ASSERT_TRUE(m.ok()) << m.error();
  struct sigaction sa {};
  sa.sa_handler = &NoopHandler;  // no SA_RESTART: the read must fail
  struct sigaction old {};
  ASSERT_EQ(sigaction(SIGUSR1, &sa, &old), 0);
  int fd = open(m.Sub("block").c_str(), O_RDONLY);
  ASSERT_GE(fd, 0) << strerror(errno);
  std::atomic<ssize_t> result{0};
  std::atomic<int> err{0};
  std::atomic<bool> done{false};
  std::thread reader([&] {
    char buf[4096];
    result = read(fd, buf, sizeof buf);
    err = errno;
    done = true;
  });
  ASSERT_TRUE(WaitUntil([&] { return counters_.block_entered.load(); }));
  // Signal until the read ends (a signal that lands before the kernel marked
  // the request sent only restarts the wait).
  pthread_t handle = reader.native_handle();
  bool ended = WaitUntil([&] {
    if (!done) pthread_kill(handle, SIGUSR1);
    return done.load();
  });
  EXPECT_TRUE(ended);
  if (!ended) m.Stop();  // answers the read (EIO) so the thread can be joined
  reader.join();
  close(fd);
  sigaction(SIGUSR1, &old, nullptr);
  EXPECT_EQ(result.load(), -1);
  EXPECT_EQ(err.load(), EINTR);
  EXPECT_TRUE(counters_.block_saw_interrupt.load());
}

TEST_F(FuseChannelTest, FusermountUnmountEndsRun) {
  MountedFs m(ops_);
  ASSERT_TRUE(m.ok()) << m.error();
  struct stat st;
  ASSERT_EQ(stat(m.Sub("hello").c_str(), &st), 0);
  std::string out;
  ASSERT_EQ(RunCommand({"/usr/bin/fusermount3", "-u", m.path()}, &out), 0) << out;
  EXPECT_TRUE(m.WaitForRunToReturn(std::chrono::seconds(10)));
  EXPECT_FALSE(IsFuseMounted(m.path()));
  EXPECT_EQ(m.usermount().state(), MountState::kUnmounted);
}

TEST_F(FuseChannelTest, LargeWritesArriveInOneMiBRequests) {
  MountedFs m(ops_);
  ASSERT_TRUE(m.ok()) << m.error();
  int fd = open(m.Sub("sink").c_str(), O_WRONLY);
  ASSERT_GE(fd, 0) << strerror(errno);
  std::string data(4 << 20, 'w');
  EXPECT_EQ(write(fd, data.data(), data.size()), static_cast<ssize_t>(data.size()));
  close(fd);
  EXPECT_EQ(counters_.bytes_written.load(), data.size());
  EXPECT_EQ(counters_.max_write_seen.load(), 1u << 20);
}

// notify_delete makes the kernel drop the inode; its FORGET must reach
// ops.reclaim through the framework's lookup count.
TEST_F(FuseChannelTest, ForgottenInodeIsReclaimed) {
  MountedFs m(ops_);
  ASSERT_TRUE(m.ok()) << m.error();
  struct stat st;
  ASSERT_EQ(stat(m.Sub("hello").c_str(), &st), 0);
  EXPECT_EQ(counters_.reclaims.load(), 0);
  m.usermount().notifier()->Delete(kRootIno, st.st_ino, "hello");
  m.usermount().notifier()->Flush();
  EXPECT_TRUE(WaitUntil([&] { return counters_.reclaims.load() == 1; }));
}

TEST_F(FuseChannelTest, XattrSizeQueriesAndERANGE) {
  MountedFs m(ops_);
  ASSERT_TRUE(m.ok()) << m.error();
  const std::string path = m.Sub("hello");
  EXPECT_EQ(getxattr(path.c_str(), "user.test", nullptr, 0), 5);
  char small[2];
  EXPECT_EQ(getxattr(path.c_str(), "user.test", small, sizeof small), -1);
  EXPECT_EQ(errno, ERANGE);
  char buf[64] = {};
  ASSERT_EQ(getxattr(path.c_str(), "user.test", buf, sizeof buf), 5);
  EXPECT_EQ(std::string(buf, 5), "value");
  EXPECT_EQ(getxattr(path.c_str(), "user.none", buf, sizeof buf), -1);
  EXPECT_EQ(errno, ENODATA);
  // The filesystem also lists an ACL and a label: the framework leaves them out.
  const std::string names("user.test\0user.other\0", 21);
  EXPECT_EQ(listxattr(path.c_str(), nullptr, 0), static_cast<ssize_t>(names.size()));
  EXPECT_EQ(listxattr(path.c_str(), small, sizeof small), -1);
  EXPECT_EQ(errno, ERANGE);
  ASSERT_EQ(listxattr(path.c_str(), buf, sizeof buf), static_cast<ssize_t>(names.size()));
  EXPECT_EQ(std::string(buf, names.size()), names);
}

// POSIX ACLs and SELinux labels: EOPNOTSUPP from the framework for get and
// set, never the filesystem's op (which would store what the kernel never
// enforces); remove reaches it (stored by an earlier version, they can go);
// other names still reach it.
TEST_F(FuseChannelTest, AclAndSelinuxXattrsAreUnsupportedWithoutAskingTheFilesystem) {
  MountedFs m(ops_);
  ASSERT_TRUE(m.ok()) << m.error();
  const std::string path = m.Sub("hello");
  char buf[64];
  for (const char* name : {"system.posix_acl_access", "system.posix_acl_default", "security.selinux"}) {
    EXPECT_EQ(getxattr(path.c_str(), name, buf, sizeof buf), -1) << name;
    EXPECT_EQ(errno, EOPNOTSUPP) << name;
    EXPECT_EQ(getxattr(path.c_str(), name, nullptr, 0), -1) << name;
    EXPECT_EQ(errno, EOPNOTSUPP) << name;
  }
  // A valid access ACL (user::rw- group::r-- other::r--): the kernel parses it
  // before it asks the daemon.
  const unsigned char acl[] = {2, 0, 0, 0,                                   // version 2
                               0x01, 0, 6, 0, 0xff, 0xff, 0xff, 0xff,        // ACL_USER_OBJ rw
                               0x04, 0, 4, 0, 0xff, 0xff, 0xff, 0xff,        // ACL_GROUP_OBJ r
                               0x20, 0, 4, 0, 0xff, 0xff, 0xff, 0xff};       // ACL_OTHER r
  EXPECT_EQ(setxattr(path.c_str(), "system.posix_acl_access", acl, sizeof acl, 0), -1);
  EXPECT_EQ(errno, EOPNOTSUPP);
  EXPECT_EQ(setxattr(path.c_str(), "security.selinux", "system_u:object_r:x_t:s0", 24, 0), -1);
  EXPECT_EQ(errno, EOPNOTSUPP);
  EXPECT_EQ(counters_.unused_xattr_calls.load(), 0);
  EXPECT_EQ(removexattr(path.c_str(), "system.posix_acl_access"), 0);
  EXPECT_EQ(removexattr(path.c_str(), "security.selinux"), 0);
  EXPECT_EQ(counters_.unused_xattr_calls.load(), 2);
  // Other names still reach the filesystem.
  EXPECT_EQ(setxattr(path.c_str(), "user.x", "1", 1, 0), 0);
  EXPECT_EQ(removexattr(path.c_str(), "user.x"), 0);
  EXPECT_EQ(getxattr(path.c_str(), "user.test", buf, sizeof buf), 5);
}

// OpenFile::noflush reaches the kernel: closing such a handle sends no FLUSH.
TEST_F(FuseChannelTest, NoflushHandlesCloseWithoutAFlush) {
  MountedFs m(ops_);
  ASSERT_TRUE(m.ok()) << m.error();
  for (int i = 0; i < 3; ++i) {
    int fd = open(m.Sub("hello").c_str(), O_RDONLY);
    ASSERT_GE(fd, 0) << strerror(errno);
    char buf[16];
    EXPECT_EQ(read(fd, buf, sizeof buf), 12);
    EXPECT_EQ(close(fd), 0);
  }
  EXPECT_EQ(counters_.flushes.load(), 0);
  int fd = open(m.Sub("sink").c_str(), O_WRONLY);  // no noflush: one FLUSH
  ASSERT_GE(fd, 0) << strerror(errno);
  EXPECT_EQ(close(fd), 0);
  EXPECT_EQ(counters_.flushes.load(), 1);
}

TEST_F(FuseChannelTest, OpThatThrowsAnswersEIOAndTheMountLivesOn) {
  MountedFs m(ops_);
  ASSERT_TRUE(m.ok()) << m.error();
  char buf[64];
  EXPECT_EQ(readlink(m.Sub("throws").c_str(), buf, sizeof buf), -1);
  EXPECT_EQ(errno, EIO);
  struct stat st;
  EXPECT_EQ(stat(m.Sub("hello").c_str(), &st), 0);
  EXPECT_EQ(m.Stop(), 0);
}

// Exit while an op is suspended: the request is unwound and answered, the
// mount goes away, Run() returns 0.
TEST_F(FuseChannelTest, ExitWithARequestInFlightAnswersItAndUnmounts) {
  MountedFs m(ops_);
  ASSERT_TRUE(m.ok()) << m.error();
  int fd = open(m.Sub("block").c_str(), O_RDONLY);
  ASSERT_GE(fd, 0) << strerror(errno);
  std::atomic<bool> done{false};
  std::atomic<ssize_t> result{0};
  std::thread reader([&] {
    char buf[4096];
    result = read(fd, buf, sizeof buf);
    done = true;
  });
  ASSERT_TRUE(WaitUntil([&] { return counters_.block_entered.load(); }));
  EXPECT_EQ(m.Stop(), 0);
  EXPECT_TRUE(WaitUntil([&] { return done.load(); }));
  reader.join();
  close(fd);
  EXPECT_EQ(result.load(), -1);
  EXPECT_FALSE(counters_.block_saw_interrupt.load());
  EXPECT_FALSE(IsFuseMounted(m.path()));
}

TEST_F(FuseChannelTest, BadMountOptionIsRejectedWithReason) {
  MountedFs m(ops_, {"no_such_option_xyz"});
  EXPECT_FALSE(m.ok());
  EXPECT_NE(m.error().find("invalid mount options"), std::string::npos) << m.error();
  EXPECT_FALSE(IsFuseMounted(m.path()));
}

}  // namespace
}  // namespace rpuffs::puffs::testfs
