// Aborting a FUSE connection from the daemon (connection_abort.h): the
// mountinfo lookup, and a real mount whose connection is aborted.
#include "client/puffs/connection_abort.h"

#include <sys/stat.h>

#include <cerrno>
#include <fstream>

#include <gtest/gtest.h>

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
}

TEST(ConnectionAbortTest, AbortedMountAnswersENOTCONN) {
  testfs::Counters counters;
  Ops ops = testfs::MakeTinyFs(&counters);
  testfs::MountedFs mount(ops);
  ASSERT_TRUE(mount.ok()) << mount.error();
  struct stat st {};
  ASSERT_EQ(stat(mount.path().c_str(), &st), 0);
  ASSERT_GE(FuseConnectionOf(mount.path()), 0);
  ASSERT_EQ(AbortFuseConnection(mount.path()), 0);
  // A name never looked up: the kernel must ask, and the connection is gone.
  EXPECT_EQ(stat(mount.Sub("never-seen").c_str(), &st), -1);
  EXPECT_EQ(errno, ENOTCONN);
  EXPECT_EQ(AbortFuseConnection("/no/such/mount"), ENOENT);
}

}  // namespace
}  // namespace rpuffs::puffs
