// Aborting a FUSE connection from the daemon (connection_abort.h): the
// mountinfo lookup, a real mount aborted through fusectl and detached, or
// force-detached, and Usermount's exit with its notifier stuck in the kernel
// (with or without fusectl, whichever this machine has).
#include "client/puffs/connection_abort.h"

#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>

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
}

// Mounts fusectl on /sys/fs/fuse/connections for the test if it is not
// there (as systemd does at boot; some machines lack it), and unmounts it
// again if it mounted it.
class FusectlForTest {
 public:
  FusectlForTest() {
    if (Present()) {
      ok_ = true;
    } else if (mount("fusectl", kDir, "fusectl", 0, nullptr) == 0) {
      ok_ = mounted_ = true;
    }
  }
  ~FusectlForTest() {
    if (mounted_) umount2(kDir, MNT_DETACH);
  }
  bool ok() const { return ok_; }

 private:
  static constexpr const char* kDir = "/sys/fs/fuse/connections";
  static bool Present() {
    struct statfs sf {};
    return statfs(kDir, &sf) == 0 && sf.f_type == 0x65735543;  // FUSECTL_SUPER_MAGIC
  }
  bool ok_ = false;
  bool mounted_ = false;
};

TEST(ConnectionAbortTest, FusectlAbortAnswersENOTCONNUntilDetached) {
  FusectlForTest fusectl;
  if (!fusectl.ok()) GTEST_SKIP() << "fusectl is not mounted and cannot be mounted here";
  testfs::Counters counters;
  Ops ops = testfs::MakeTinyFs(&counters);
  testfs::MountedFs mount(ops);
  ASSERT_TRUE(mount.ok()) << mount.error();
  struct stat st {};
  ASSERT_EQ(stat(mount.path().c_str(), &st), 0);
  int conn = FuseConnectionOf(mount.path());
  ASSERT_GE(conn, 0);
  ASSERT_EQ(AbortThroughFusectl(conn), 0);
  // A name never looked up: the kernel must ask, and the connection is gone.
  EXPECT_EQ(stat(mount.Sub("never-seen").c_str(), &st), -1);
  EXPECT_EQ(errno, ENOTCONN);
  EXPECT_EQ(AbortThroughFusectl(-1), ENOENT);
  // The aborted mount stays until detached; only ours is detached.
  EXPECT_EQ(DetachAbortedMount(mount.path(), conn + 100000), ENOENT);
  EXPECT_EQ(DetachAbortedMount(mount.path(), conn), 0);
  EXPECT_EQ(FuseConnectionOf(mount.path()), -1);
}

// Without fusectl: a forced lazy unmount aborts the connection (requests
// through a descriptor opened before fail) and leaves no mount.
TEST(ConnectionAbortTest, ForcedDetachAbortsTheConnectionAndLeavesNoMount) {
  testfs::Counters counters;
  Ops ops = testfs::MakeTinyFs(&counters);
  testfs::MountedFs mount(ops);
  ASSERT_TRUE(mount.ok()) << mount.error();
  int conn = FuseConnectionOf(mount.path());
  ASSERT_GE(conn, 0);
  int root = open(mount.path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  ASSERT_GE(root, 0);
  EXPECT_EQ(ForceDetachMount(mount.path(), conn + 100000), ENOENT);  // not ours: untouched
  EXPECT_EQ(FuseConnectionOf(mount.path()), conn);
  ASSERT_EQ(ForceDetachMount(mount.path(), conn), 0);
  EXPECT_EQ(FuseConnectionOf(mount.path()), -1) << "the mount is still there";
  struct stat st {};
  EXPECT_EQ(fstatat(root, "never-seen", &st, 0), -1);
  EXPECT_EQ(errno, ENOTCONN);
  close(root);
  EXPECT_EQ(ForceDetachMount(mount.path(), conn), ENOENT);  // gone already
  EXPECT_EQ(AbortFuseMount(mount.path(), -1), ENOENT);
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
