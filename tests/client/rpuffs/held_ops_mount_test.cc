// Held ops through a real mount (client/rpuffs/held_ops.h): what an
// untarring application does to each file — small writes, fchown, fchmod,
// futimens, close — goes to the server as one Batch with the close's
// durable commit, and every rule a local disk has still shows: order,
// close-to-open from another mount, stat on the same mount, durability.
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <functional>
#include <cstdlib>
#include <sstream>

#include "tests/client/rpuffs/mount_fixture.h"

namespace rpuffs::testing {
namespace {

// The daemon logs (at -d) one line per batch: "event=batch ops=N sync=B".
// Returns how many batches it sent, the most ops one with sync had, and
// how many ops they carried in all.
int Batches(const Subprocess& daemon, int* most_synced_ops = nullptr, int* all_ops = nullptr) {
  std::istringstream lines(daemon.Output());
  std::string line;
  int n = 0;
  while (std::getline(lines, line)) {
    size_t at = line.find("event=batch ops=");
    if (at == std::string::npos) continue;
    ++n;
    int ops = std::atoi(line.c_str() + at + 16);
    if (all_ops) *all_ops += ops;
    if (most_synced_ops && line.find("sync=true") != std::string::npos) {
      *most_synced_ops = std::max(*most_synced_ops, ops);
    }
  }
  return n;
}

struct stat StatOf(const std::string& path) {
  struct stat st{};
  EXPECT_EQ(stat(path.c_str(), &st), 0) << path;
  return st;
}

// Runs `body` in a child as uid/gid 1000 and returns its exit status
// (0: body returned 0; 10: the credentials could not be taken; -1: no child).
int ExitStatusAsUser1000(const std::function<int()>& body) {
  pid_t pid = fork();
  if (pid < 0) return -1;
  if (pid == 0) {
    if (setgid(1000) != 0 || setuid(1000) != 0) _exit(10);
    _exit(body());
  }
  int status = 0;
  if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status)) return -1;
  return WEXITSTATUS(status);
}

// What tar does with one file, as root.
void UntarLike(const std::string& path, const std::string& data, const timespec& mtime) {
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
  ASSERT_GE(fd, 0);
  size_t half = data.size() / 2;
  ASSERT_EQ(write(fd, data.data(), half), static_cast<ssize_t>(half));
  ASSERT_EQ(write(fd, data.data() + half, data.size() - half), static_cast<ssize_t>(data.size() - half));
  ASSERT_EQ(fchown(fd, 1234, 5678), 0);
  ASSERT_EQ(fchmod(fd, 04750), 0);
  timespec times[2] = {mtime, mtime};
  ASSERT_EQ(futimens(fd, times), 0);
  ASSERT_EQ(close(fd), 0);
}

TEST_F(RpuffsMountTest, UntarLikeFileGoesInOneBatchAndShowsEverywhere) {
  std::string a = NewMountPoint("a");
  auto daemon = MountForeground(a, {"-d"});
  std::string b = MountOrFail("b");
  std::string data = RandomBytes(10000, 11);
  timespec mtime{1500000000, 123456789};
  UntarLike(a + "/f", data, mtime);
  // Writes (the kernel splits them at pages), chown, chmod, utimes and the
  // durable commit: one round trip.
  int most = 0;
  Batches(*daemon, &most);
  EXPECT_GE(most, 5) << daemon->Output().substr(0, 4000);
  for (const std::string& m : {a, b}) {
    struct stat st = StatOf(m + "/f");
    EXPECT_EQ(st.st_mode & 07777, 04750u) << m;  // chmod after chown: suid kept
    EXPECT_EQ(st.st_uid, 1234u) << m;
    EXPECT_EQ(st.st_gid, 5678u) << m;
    EXPECT_EQ(st.st_size, static_cast<off_t>(data.size())) << m;
    EXPECT_EQ(st.st_mtim.tv_sec, mtime.tv_sec) << m;
    EXPECT_EQ(st.st_mtim.tv_nsec, mtime.tv_nsec) << m;
    std::string seen;
    ASSERT_TRUE(ReadFile(m + "/f", &seen));
    EXPECT_TRUE(seen == data) << m;
  }
}

TEST_F(RpuffsMountTest, StatOfAFileWithHeldChangesAsksTheServerAfterThem) {
  std::string a = MountOrFail("a");
  int fd = open((a + "/g").c_str(), O_WRONLY | O_CREAT, 0644);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(write(fd, "hello", 5), 5);
  ASSERT_EQ(fchmod(fd, 0611), 0);
  struct stat st{};
  ASSERT_EQ(fstat(fd, &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0611u);
  EXPECT_EQ(st.st_size, 5);
  ASSERT_EQ(fchmod(fd, 0640), 0);
  ASSERT_EQ(fstat(fd, &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0640u);
  ASSERT_EQ(close(fd), 0);
  EXPECT_EQ(StatOf(a + "/g").st_mode & 07777, 0640u);
}

// A write by a non-root owner clears suid; the chmod that follows it sets
// it again: held ops keep that order.
TEST_F(RpuffsMountTest, HeldChmodAfterAWriteByTheOwnerKeepsSuid) {
  std::string a = MountOrFail("a");
  std::string b = MountOrFail("b");
  ASSERT_EQ(chmod(dir_->path().c_str(), 0755), 0);  // uid 1000 walks to the mount
  ASSERT_EQ(mkdir((a + "/u").c_str(), 0777), 0);
  std::string path = a + "/u/s";
  int fd = open(path.c_str(), O_WRONLY | O_CREAT, 04755);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(fchown(fd, 1000, 1000), 0);
  ASSERT_EQ(fchmod(fd, 04755), 0);
  ASSERT_EQ(close(fd), 0);
  ASSERT_EQ(ExitStatusAsUser1000([&] {
              int f = open(path.c_str(), O_WRONLY);
              if (f < 0) return 11;
              if (write(f, "data", 4) != 4) return 12;
              if (fchmod(f, 04755) != 0) return 13;
              if (write(f, "more", 4) != 4) return 14;  // clears it again
              if (fchmod(f, 04711) != 0) return 15;
              return close(f) == 0 ? 0 : 16;
            }),
            0);
  EXPECT_EQ(StatOf(b + "/u/s").st_mode & 07777, 04711u);
  EXPECT_EQ(StatOf(a + "/u/s").st_mode & 07777, 04711u);
  EXPECT_EQ(StatOf(b + "/u/s").st_size, 8);
}

TEST_F(RpuffsMountTest, HeldChangesSurviveServerKill9OnceClosed) {
  std::string a = MountOrFail("a");
  std::string data = RandomBytes(3000, 12);
  timespec mtime{1400000000, 5};
  UntarLike(a + "/d", data, mtime);
  server_->Kill9();
  server_->Start();
  std::string b = MountOrFail("b");
  struct stat st = StatOf(b + "/d");
  EXPECT_EQ(st.st_mode & 07777, 04750u);
  EXPECT_EQ(st.st_uid, 1234u);
  EXPECT_EQ(st.st_mtim.tv_sec, mtime.tv_sec);
  std::string seen;
  ASSERT_TRUE(ReadFile(b + "/d", &seen));
  EXPECT_TRUE(seen == data);
}

TEST_F(RpuffsMountTest, ManySmallWritesArriveWholeAndInOrder) {
  std::string a = NewMountPoint("a");
  auto daemon = MountForeground(a, {"-d"});
  std::string b = MountOrFail("b");
  int fd = open((a + "/log").c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  ASSERT_GE(fd, 0);
  std::string expect;
  for (int i = 0; i < 3000; ++i) {
    std::string line = "line " + std::to_string(i) + "\n";
    ASSERT_EQ(write(fd, line.data(), line.size()), static_cast<ssize_t>(line.size()));
    expect += line;
  }
  // Shown to other mounts without a close, within the hold delay.
  EXPECT_TRUE(WaitUntil([&] {
    std::string seen;
    return ReadFile(b + "/log", &seen) && seen == expect;
  }, std::chrono::seconds(20)));
  ASSERT_EQ(close(fd), 0);
  std::string seen;
  ASSERT_TRUE(ReadFile(b + "/log", &seen));
  EXPECT_TRUE(seen == expect);
  // Far fewer round trips than writes.
  EXPECT_GE(Batches(*daemon), 1);
  EXPECT_LT(Batches(*daemon), 1500);
}


bool Touch(const std::string& path, const std::string& data = "") {
  return WriteFile(path, data, false);
}

// rm -rf: unlinks in a directory the mount knows are held and go many per
// round trip; the rmdir that follows sees them applied.
TEST_F(RpuffsMountTest, HeldUnlinksGoManyPerRoundTripAndLandBeforeTheRmdir) {
  std::string a = NewMountPoint("a");
  auto daemon = MountForeground(a, {"-d"});
  std::string b = MountOrFail("b");
  ASSERT_EQ(mkdir((a + "/d").c_str(), 0755), 0);
  constexpr int kFiles = 300;
  for (int i = 0; i < kFiles; ++i) ASSERT_TRUE(Touch(a + "/d/f" + std::to_string(i)));
  // statfs sends the held releases of those creates: what follows is unlinks.
  struct statvfs sv{};
  ASSERT_EQ(statvfs(a.c_str(), &sv), 0);
  int ops_before = 0;
  int before = Batches(*daemon, nullptr, &ops_before);
  for (int i = 0; i < kFiles; ++i) ASSERT_EQ(unlink((a + "/d/f" + std::to_string(i)).c_str()), 0) << i;
  EXPECT_TRUE(List(a + "/d").empty());
  ASSERT_EQ(rmdir((a + "/d").c_str()), 0);
  EXPECT_TRUE(Missing(b + "/d"));
  // All but the first went in batches (it brings the directory's
  // attributes), far fewer round trips than unlinks.
  int ops_after = 0;
  int after = Batches(*daemon, nullptr, &ops_after);
  EXPECT_GE(ops_after - ops_before, kFiles - 1);
  EXPECT_LT(after - before, kFiles / 3);
  EXPECT_EQ(daemon->Output().find("held_op_failed op=unlink"), std::string::npos);
}

TEST_F(RpuffsMountTest, HeldUnlinkThenCreateOfTheSameNameKeepsTheirOrder) {
  std::string a = MountOrFail("a");
  std::string b = MountOrFail("b");
  ASSERT_EQ(mkdir((a + "/d").c_str(), 0755), 0);
  ASSERT_TRUE(Touch(a + "/d/x", "old"));
  ASSERT_TRUE(Touch(a + "/d/keep", "k"));
  ASSERT_EQ(unlink((a + "/d/x").c_str()), 0);
  EXPECT_TRUE(Missing(a + "/d/x"));
  int fd = open((a + "/d/x").c_str(), O_WRONLY | O_CREAT | O_EXCL, 0644);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(write(fd, "new", 3), 3);
  ASSERT_EQ(close(fd), 0);
  std::string seen;
  ASSERT_TRUE(ReadFile(b + "/d/x", &seen));
  EXPECT_EQ(seen, "new");
  EXPECT_EQ(List(b + "/d"), (std::set<std::string>{"keep", "x"}));
}

TEST_F(RpuffsMountTest, HeldUnlinkOfAnOpenFileLeavesItReadable) {
  std::string a = MountOrFail("a");
  std::string b = MountOrFail("b");
  ASSERT_EQ(mkdir((a + "/d").c_str(), 0755), 0);
  ASSERT_TRUE(Touch(a + "/d/other"));
  ASSERT_TRUE(Touch(a + "/d/open", "still here"));
  int fd = open((a + "/d/open").c_str(), O_RDONLY);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(unlink((a + "/d/open").c_str()), 0);
  struct stat st{};
  ASSERT_EQ(fstat(fd, &st), 0);
  EXPECT_EQ(st.st_nlink, 0u);
  char buf[32] = {};
  EXPECT_EQ(pread(fd, buf, sizeof buf, 0), 10);
  EXPECT_STREQ(buf, "still here");
  EXPECT_TRUE(Missing(b + "/d/open"));
  EXPECT_EQ(close(fd), 0);
}


// A held write the server refuses (beyond the largest file size) fails the
// close, as a write-behind write does; the file's other changes still land.
TEST_F(RpuffsMountTest, AHeldWriteTheServerRefusesFailsTheClose) {
  std::string a = NewMountPoint("a");
  auto daemon = MountForeground(a, {"-d"});
  int fd = open((a + "/big").c_str(), O_WRONLY | O_CREAT, 0644);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(pwrite(fd, "ok", 2, 0), 2);
  ASSERT_EQ(pwrite(fd, "x", 1, (1ll << 50) + 5), 1);  // answered before the server saw it
  ASSERT_EQ(fchmod(fd, 0600), 0);
  errno = 0;
  EXPECT_NE(close(fd), 0);
  EXPECT_EQ(errno, EFBIG);
  struct stat st = StatOf(a + "/big");
  EXPECT_EQ(st.st_size, 2);
  EXPECT_EQ(st.st_mode & 07777, 0600u);
  EXPECT_NE(daemon->Output().find("event=held_op_failed op=write"), std::string::npos);
}


// `rm -rf d; umount`: the unlinks held in the last moments still reach the
// server when the daemon exits.
TEST_F(RpuffsMountTest, UnlinksHeldAtUnmountStillLand) {
  std::string a = NewMountPoint("a");
  auto daemon = MountForeground(a, {"-d"});
  ASSERT_EQ(mkdir((a + "/d").c_str(), 0755), 0);
  constexpr int kFiles = 40;
  for (int i = 0; i < kFiles; ++i) ASSERT_TRUE(Touch(a + "/d/f" + std::to_string(i)));
  for (int i = 0; i < kFiles; ++i) ASSERT_EQ(unlink((a + "/d/f" + std::to_string(i)).c_str()), 0) << i;
  EXPECT_EQ(RunCommand({"/usr/bin/fusermount3", "-u", a}), 0);
  int status = daemon->Wait(std::chrono::seconds(20));
  ASSERT_TRUE(WIFEXITED(status)) << status;
  EXPECT_EQ(WEXITSTATUS(status), 0);
  EXPECT_EQ(daemon->Output().find("held_ops_lost_at_exit"), std::string::npos);
  std::string b = MountOrFail("b");
  EXPECT_TRUE(List(b + "/d").empty());
}

}  // namespace
}  // namespace rpuffs::testing

namespace rpuffs::testing {
namespace {

// Without the kernel's permission checks only the server can refuse a
// caller: nothing it must judge is held (an unlink answered 0 would be a lie).
TEST_F(RpuffsMountTest, WithoutKernelChecksAnUnlinkTheServerRefusesFailsAtOnce) {
  std::string a = MountOrFail("a", {"nodefault_permissions"});
  ASSERT_EQ(chmod(dir_->path().c_str(), 0755), 0);  // uid 1000 walks to the mount
  ASSERT_EQ(mkdir((a + "/d").c_str(), 0755), 0);
  ASSERT_TRUE(Touch(a + "/d/f"));
  ASSERT_TRUE(Touch(a + "/d/g"));
  ASSERT_EQ(unlink((a + "/d/g").c_str()), 0);  // the directory's attributes are known
  EXPECT_EQ(ExitStatusAsUser1000([&] {
              int rc = unlink((a + "/d/f").c_str());
              return rc == -1 && errno == EACCES ? 0 : 11;
            }),
            0);
  EXPECT_TRUE(Exists(a + "/d/f"));
}

// Read-only handles close without a FLUSH (nothing to make durable or to
// report); handles that may write still commit at close, with a chmod made
// through a read-only handle meanwhile (held for the writer: the kernel
// names no handle for fchmod).
TEST_F(RpuffsMountTest, ReadOnlyClosesSendNoFlushAndWritersStillCommitAtClose) {
  std::string a = NewMountPoint("a");
  auto daemon = MountForeground(a, {"-d"});
  std::string b = MountOrFail("b");
  std::string data = RandomBytes(100000, 21);
  ASSERT_TRUE(WriteFile(b + "/r", data, false));
  auto flushes = [&] {
    const std::string out = daemon->Output();
    int n = 0;
    for (size_t at = out.find("opcode: FLUSH"); at != std::string::npos; at = out.find("opcode: FLUSH", at + 1)) ++n;
    return n;
  };
  std::string seen;
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(ReadFile(a + "/r", &seen));
    EXPECT_TRUE(seen == data) << i;
  }
  EXPECT_EQ(flushes(), 0) << daemon->Output().substr(0, 4000);
  // A writer's close flushes, and the other mount sees its data at its next open.
  std::string fresh = RandomBytes(5000, 22);
  int w = open((a + "/r").c_str(), O_WRONLY | O_TRUNC);
  ASSERT_GE(w, 0);
  ASSERT_EQ(write(w, fresh.data(), fresh.size()), static_cast<ssize_t>(fresh.size()));
  int ro = open((a + "/r").c_str(), O_RDONLY);
  ASSERT_GE(ro, 0);
  ASSERT_EQ(fchmod(ro, 0600), 0);
  EXPECT_EQ(close(ro), 0);
  EXPECT_EQ(close(w), 0);
  EXPECT_GE(flushes(), 1);
  ASSERT_TRUE(ReadFile(b + "/r", &seen));
  EXPECT_TRUE(seen == fresh);
  EXPECT_EQ(StatOf(b + "/r").st_mode & 07777, 0600u);
}

}  // namespace
}  // namespace rpuffs::testing
