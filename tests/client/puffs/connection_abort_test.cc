// Aborting a FUSE connection from the daemon (connection_abort.h): the
// mountinfo lookup, a real mount aborted (through the system's fusectl and
// through a private fusectl mount) and detached, and Usermount's exit with
// its notifier stuck in the kernel.
#include "client/puffs/connection_abort.h"

#include <sys/stat.h>

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <fstream>
#include <thread>

#include <gtest/gtest.h>

#include "client/puffs/continuation.h"
#include "client/puffs/notifier.h"
#include "tests/client/puffs/mounted_fs.h"
#include "tests/client/puffs/tiny_fs.h"

namespace rpuffs::puffs {
namespace {

TEST(ConnectionAbortTest, FindsTheFuseMountByItsEscapedMountPoint) {
  rpuffs::testing::TempDir dir;
  std::string info = dir.path() + "/mountinfo";
  std::ofstream(info) << "22 1 0:21 / /proc rw - proc proc rw\n"
                         "90 22 0:77 / /tmp/a\\040b rw,nosuid - fuse.rpuffs host:1/v rw\n"
                         "91 22 0:78 / /tmp/c rw - ext4 /dev/vda rw\n";
  EXPECT_EQ(FuseConnectionOf("/tmp/a b", info), 77);
  EXPECT_EQ(FuseConnectionOf("/tmp/c", info), -1);  // not FUSE
  EXPECT_EQ(FuseConnectionOf("/tmp/none", info), -1);
  EXPECT_EQ(FuseConnectionOf("/tmp/a", info), -1);
  // Two mounts stacked on one path: the later (topmost) one is ours.
  std::ofstream(info) << "90 22 0:39 / /tmp/m rw - fuse.a a rw\n"
                         "91 90 0:41 / /tmp/m rw - fuse.b b rw\n";
  EXPECT_EQ(FuseConnectionOf("/tmp/m", info), 41);
  // A non-FUSE mount on top hides the FUSE one below: not ours to abort.
  std::ofstream(info) << "90 22 0:39 / /tmp/m rw - fuse.a a rw\n"
                         "91 90 8:1 / /tmp/m rw - ext4 /dev/vda rw\n";
  EXPECT_EQ(FuseConnectionOf("/tmp/m", info), -1);
  // A mount moved on top (mount --move) keeps its older id and earlier line:
  // the top is the mount nothing else at the path sits on, not the last line.
  std::ofstream(info) << "85 22 0:39 / /tmp/m rw - fuse.moved a rw\n"
                         "90 22 0:41 / /tmp/m rw - fuse.ours b rw\n";
  EXPECT_EQ(FuseConnectionOf("/tmp/m", info), 41);  // two on the same parent: the later
  std::ofstream(info) << "85 90 0:39 / /tmp/m rw - fuse.moved a rw\n"
                         "90 22 0:41 / /tmp/m rw - fuse.ours b rw\n";
  EXPECT_EQ(FuseConnectionOf("/tmp/m", info), 39);
}

// Each way aborts exactly that connection: a name never looked up answers
// ENOTCONN; the mount stays until detached, and only ours is detached.
void ExpectAbortedAndDetach(testfs::MountedFs& mount, int conn) {
  struct stat st {};
  EXPECT_EQ(stat(mount.Sub("never-seen").c_str(), &st), -1);
  EXPECT_EQ(errno, ENOTCONN);
  EXPECT_EQ(DetachAbortedMount(mount.path(), conn + 100000), ENOENT);
  EXPECT_EQ(DetachAbortedMount(mount.path(), conn), 0);
  EXPECT_EQ(FuseConnectionOf(mount.path()), -1);
}

// Through the system's fusectl when this machine has it mounted.
TEST(ConnectionAbortTest, AbortThroughFusectlAnswersENOTCONNUntilDetached) {
  testfs::Counters counters;
  Ops ops = testfs::MakeTinyFs(&counters);
  testfs::MountedFs mount(ops);
  ASSERT_TRUE(mount.ok()) << mount.error();
  int conn = FuseConnectionOf(mount.path());
  ASSERT_GE(conn, 0);
  int err = AbortThroughFusectl(conn);
  if (err == ENOENT) GTEST_SKIP() << "fusectl is not mounted on /sys/fs/fuse/connections";
  ASSERT_EQ(err, 0);
  ExpectAbortedAndDetach(mount, conn);
}

// Through fusectl mounted for the moment on a private dir (what the daemon
// does where /sys/fs/fuse/connections is empty): always available to root,
// and it leaves nothing mounted.
TEST(ConnectionAbortTest, AbortThroughAPrivateFusectlMountLeavesNothingMounted) {
  testfs::Counters counters;
  Ops ops = testfs::MakeTinyFs(&counters);
  testfs::MountedFs mount(ops);
  ASSERT_TRUE(mount.ok()) << mount.error();
  struct stat st {};
  ASSERT_EQ(stat(mount.path().c_str(), &st), 0);
  int conn = FuseConnectionOf(mount.path());
  ASSERT_GE(conn, 0);
  EXPECT_EQ(AbortThroughPrivateFusectl(conn + 100000), ENOENT);  // no such connection
  ASSERT_EQ(stat(mount.Sub("hello").c_str(), &st), 0) << "another connection's abort reached this one";
  ASSERT_EQ(AbortThroughPrivateFusectl(conn), 0);
  ExpectAbortedAndDetach(mount, conn);
  std::ifstream mounts("/proc/self/mountinfo");
  std::string line;
  while (std::getline(mounts, line)) EXPECT_EQ(line.find("rpuffs-fusectl."), std::string::npos) << line;
  EXPECT_EQ(AbortFuseConnection(-1), ENOENT);
}

// At exit, a store stuck on a page that a READ the stopped loop holds has
// locked: the connection is aborted, the daemon's Run() returns, and no
// mount is left behind.
TEST(ConnectionAbortTest, StoreStuckAtExitIsFreedAndNoMountIsLeft) {
  testfs::Counters counters;
  Ops ops = testfs::MakeTinyFs(&counters);
  ops.open = [](Request&, Ino, OpenFile* fi) {
    fi->direct_io = false;  // page-cache reads: the READ locks its page
    return 0;
  };
  auto plain_read = ops.read;
  std::atomic<bool> held{false};
  ops.read = [plain_read, &held](Request& req, Ino ino, size_t size, off_t off, OpenFile& of, std::string* out) {
    if (ino != 3) return plain_read(req, ino, size, off, of, out);
    held = true;  // /block: never answered while the loop runs
    Continuation* me = Continuation::Current();
    req.OnInterrupt([me] { Continuation::Schedule(me); });
    while (!req.interrupted()) Continuation::Yield();
    return EINTR;
  };
  testfs::MountedFs mount(ops);
  ASSERT_TRUE(mount.ok()) << mount.error();
  std::string path = mount.Sub("block"), where = mount.path();
  std::thread reader([path] {
    int fd = open(path.c_str(), O_RDONLY);
    char buf[4096];
    if (fd >= 0) {
      (void)!read(fd, buf, sizeof buf);
      close(fd);
    }
  });
  ASSERT_TRUE(rpuffs::testing::WaitUntil([&] { return held.load(); }, std::chrono::seconds(20)));
  Notifier* notifier = mount.usermount().notifier();
  notifier->Store(3, 0, std::string(4096, 'y'));  // waits for the READ's page
  ASSERT_TRUE(rpuffs::testing::WaitUntil([&] { return notifier->sending(); }, std::chrono::seconds(20)));
  EXPECT_EQ(mount.Stop(), 0);
  reader.join();
  EXPECT_EQ(FuseConnectionOf(where), -1) << "a dead mount was left at " << where;
}

}  // namespace
}  // namespace rpuffs::puffs
