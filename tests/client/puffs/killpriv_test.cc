// FUSE integration: HANDLE_KILLPRIV_V2 and the framework's own mount option
// words (handle_killpriv, writeback_cache), with the tiny test filesystem.
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include <gtest/gtest.h>

#include "client/puffs/fuse_channel.h"
#include "tests/client/puffs/mounted_fs.h"
#include "tests/client/puffs/tiny_fs.h"

namespace rpuffs::puffs::testfs {
namespace {

constexpr int kWrites = 8;

// kWrites separate 4 KiB writes to `fd`, which it closes; true if all went through.
bool WriteSeveralTimes(int fd) {
  if (fd < 0) return false;
  const std::string block(4096, 'k');
  bool ok = true;
  for (int i = 0; i < kWrites; ++i) {
    ok = ok && write(fd, block.data(), block.size()) == static_cast<ssize_t>(block.size());
  }
  close(fd);
  return ok;
}

bool WriteSeveralTimes(const std::string& path) { return WriteSeveralTimes(open(path.c_str(), O_WRONLY)); }

// The same from a child process that opens `path` as root, then writes as
// nobody (no CAP_FSETID; the temp dir above the mount is closed to nobody).
bool WriteAsNobody(const std::string& path) {
  pid_t pid = fork();
  if (pid < 0) return false;
  if (pid == 0) {
    int fd = open(path.c_str(), O_WRONLY);
    if (setresgid(65534, 65534, 65534) != 0 || setresuid(65534, 65534, 65534) != 0) _exit(2);
    _exit(WriteSeveralTimes(fd) ? 0 : 1);
  }
  int status = 0;
  if (waitpid(pid, &status, 0) != pid) return false;
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

class KillprivTest : public ::testing::Test {
 protected:
  Counters counters_;
  Ops ops_ = MakeTinyFs(&counters_);
};

TEST_F(KillprivTest, WithoutItEveryWriteProbesSecurityCapability) {
  MountedFs m(ops_);
  ASSERT_TRUE(m.ok()) << m.error();
  ASSERT_TRUE(WriteSeveralTimes(m.Sub("sink"))) << strerror(errno);
  EXPECT_FALSE(m.usermount().channel()->killpriv_v2());
  EXPECT_EQ(counters_.writes.load(), kWrites);
  EXPECT_GE(counters_.capability_probes.load(), kWrites);
}

TEST_F(KillprivTest, HandleKillprivStopsTheProbe) {
  MountedFs m(ops_, {"handle_killpriv"});
  ASSERT_TRUE(m.ok()) << m.error();
  ASSERT_TRUE(WriteSeveralTimes(m.Sub("sink"))) << strerror(errno);
  ASSERT_TRUE(m.usermount().channel()->killpriv_v2()) << "kernel did not offer KILLPRIV_V2";
  EXPECT_EQ(counters_.writes.load(), kWrites);
  // The kernel still checks once per inode (then marks it S_NOSEC); without
  // the option it asks before every write (test above).
  EXPECT_LE(counters_.capability_probes.load(), 1);
  // Root has CAP_FSETID: the kernel does not ask to clear suid/sgid.
  EXPECT_EQ(counters_.kill_suidgid_writes.load(), 0);
}

TEST_F(KillprivTest, WriteWithoutCapFsetidCarriesKillSuidgid) {
  MountedFs m(ops_, {"handle_killpriv"});
  ASSERT_TRUE(m.ok()) << m.error();
  ASSERT_TRUE(WriteAsNobody(m.Sub("sink")));
  EXPECT_EQ(counters_.writes.load(), kWrites);
  EXPECT_EQ(counters_.kill_suidgid_writes.load(), kWrites);
  EXPECT_LE(counters_.capability_probes.load(), 1);
}

TEST_F(KillprivTest, TheLastWordWins) {
  Counters counters;
  Ops ops = MakeTinyFs(&counters);
  MountedFs m(ops, {"handle_killpriv", "no_handle_killpriv"});
  ASSERT_TRUE(m.ok()) << m.error();
  ASSERT_TRUE(WriteSeveralTimes(m.Sub("sink"))) << strerror(errno);
  EXPECT_GE(counters.capability_probes.load(), kWrites);
  EXPECT_FALSE(m.usermount().channel()->killpriv_v2());
}

TEST(FrameworkOptionsTest, FrameworkWordsAreTakenOutAndApplied) {
  ChannelOptions o;
  o.mount_options = {"fsname=x,handle_killpriv,ro", "writeback_cache", "no_writeback_cache,allow_other"};
  TakeFrameworkOptions(&o);
  EXPECT_TRUE(o.handle_killpriv);
  EXPECT_FALSE(o.writeback_cache);  // the last word wins
  ASSERT_EQ(o.mount_options.size(), 2u);
  EXPECT_EQ(o.mount_options[0], "fsname=x,ro");
  EXPECT_EQ(o.mount_options[1], "allow_other");
}

TEST(FrameworkOptionsTest, OtherOptionsAreLeftAlone) {
  ChannelOptions o;
  o.mount_options = {"default_permissions", "max_read=4096"};
  TakeFrameworkOptions(&o);
  EXPECT_FALSE(o.handle_killpriv);
  EXPECT_FALSE(o.writeback_cache);
  EXPECT_EQ(o.mount_options, (std::vector<std::string>{"default_permissions", "max_read=4096"}));
}

TEST_F(KillprivTest, WritebackCacheIsNegotiatedOnRequest) {
  MountedFs m(ops_, {"writeback_cache"});
  ASSERT_TRUE(m.ok()) << m.error();
  // INIT is over once a request was answered.
  struct stat st;
  ASSERT_EQ(stat(m.Sub("hello").c_str(), &st), 0);
  EXPECT_TRUE(m.usermount().channel()->writeback_cache());
}

}  // namespace
}  // namespace rpuffs::puffs::testfs
