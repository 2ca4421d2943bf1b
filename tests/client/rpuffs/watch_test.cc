// The server's watch: a mount whose kernel caches everything for an hour
// still sees another mount's changes promptly (only the notices can explain
// it), takes back what it cached when the watch is lost, and `nowatch`
// mounts keep the short timeouts.
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <set>
#include <sstream>

#include "tests/client/rpuffs/mount_fixture.h"

namespace rpuffs::testing {
namespace {

// Far beyond a notice's delivery (milliseconds), far below the hour the
// kernel would otherwise trust what it has.
constexpr auto kPrompt = std::chrono::seconds(20);
constexpr const char* kHour = "cache_timeout=3600,attr_timeout=3600,entry_timeout=3600";

// Lines the daemon logs (-d) each time its loop takes a watch start.
int WatchStarts(const Subprocess& daemon) {
  std::istringstream lines(daemon.Output());
  std::string line;
  int n = 0;
  while (std::getline(lines, line)) n += line.find("event=watch watching=true") != std::string::npos;
  return n;
}

struct stat StatOf(const std::string& path) {
  struct stat st {};
  if (stat(path.c_str(), &st) != 0) st.st_nlink = 0;
  return st;
}

std::string XattrOf(const std::string& path, const char* name) {
  char buf[64];
  ssize_t n = getxattr(path.c_str(), name, buf, sizeof buf);
  return n < 0 ? "<" + std::to_string(errno) + ">" : std::string(buf, static_cast<size_t>(n));
}

std::string Contents(const std::string& path) {
  std::string s;
  return ReadFile(path, &s) ? s : "<unreadable>";
}

class WatchMountTest : public RpuffsMountTest {
 protected:
  // A foreground mount with -d whose watch is up (its loop took the start).
  std::unique_ptr<Subprocess> WatchingMount(const std::string& dir, const std::string& options) {
    auto daemon = MountForeground(dir, {"-d", "-o", options});
    EXPECT_TRUE(WaitUntil([&] { return WatchStarts(*daemon) >= 1; }, kPrompt)) << daemon->Output();
    return daemon;
  }
};

TEST_F(WatchMountTest, OtherMountsChangesShowPromptlyDespiteHourLongTimeouts) {
  std::string a = MountOrFail("a");
  std::string b = NewMountPoint("b");
  auto daemon = WatchingMount(b, kHour);
  ASSERT_TRUE(WriteFile(a + "/f", "one", false));
  ASSERT_EQ(mkdir((a + "/d").c_str(), 0755), 0);
  // b caches all of it: attributes, data, absent names, a complete listing.
  ASSERT_EQ(Contents(b + "/f"), "one");
  ASSERT_EQ(StatOf(b + "/f").st_mode & 07777, 0644u);
  ASSERT_TRUE(Missing(b + "/gone"));
  ASSERT_TRUE(List(b + "/d").empty());
  ASSERT_TRUE(Missing(b + "/d/new"));
  ASSERT_TRUE(WriteFile(a + "/gone", "", false));  // create
  EXPECT_TRUE(WaitUntil([&] { return Exists(b + "/gone"); }, kPrompt));
  ASSERT_TRUE(WriteFile(a + "/d/new", "", false));  // create in a listed directory
  EXPECT_TRUE(WaitUntil([&] { return Exists(b + "/d/new"); }, kPrompt));
  EXPECT_TRUE(WaitUntil([&] { return List(b + "/d") == std::set<std::string>{"new"}; }, kPrompt));
  ASSERT_EQ(chmod((a + "/f").c_str(), 0600), 0);
  EXPECT_TRUE(WaitUntil([&] { return (StatOf(b + "/f").st_mode & 07777) == 0600; }, kPrompt));
  ASSERT_EQ(link((a + "/f").c_str(), (a + "/f2").c_str()), 0);
  EXPECT_TRUE(WaitUntil([&] { return StatOf(b + "/f").st_nlink == 2; }, kPrompt));
  // Same size, new bytes: mtime and data; then a new size.
  struct stat before = StatOf(b + "/f");
  ASSERT_TRUE(WriteFile(a + "/f", "uno", false));
  EXPECT_TRUE(WaitUntil([&] {
    struct stat now = StatOf(b + "/f");
    return now.st_mtim.tv_sec != before.st_mtim.tv_sec || now.st_mtim.tv_nsec != before.st_mtim.tv_nsec;
  }, kPrompt));
  EXPECT_EQ(Contents(b + "/f"), "uno");
  ASSERT_TRUE(WriteFile(a + "/f", "second!", false));
  EXPECT_TRUE(WaitUntil([&] { return StatOf(b + "/f").st_size == 7; }, kPrompt));
  EXPECT_EQ(Contents(b + "/f"), "second!");
  ASSERT_EQ(rename((a + "/f2").c_str(), (a + "/f3").c_str()), 0);
  EXPECT_TRUE(WaitUntil([&] { return Missing(b + "/f2") && Exists(b + "/f3"); }, kPrompt));
  ASSERT_EQ(unlink((a + "/f3").c_str()), 0);
  EXPECT_TRUE(WaitUntil([&] { return Missing(b + "/f3") && StatOf(b + "/f").st_nlink == 1; },
                        kPrompt));
  ASSERT_EQ(unlink((a + "/gone").c_str()), 0);
  EXPECT_TRUE(WaitUntil([&] { return Missing(b + "/gone"); }, kPrompt));
  // Extended attributes: a plain one, and a probed one b cached as absent.
  ASSERT_EQ(XattrOf(b + "/f", "security.rpuffs"), "<" + std::to_string(ENODATA) + ">");
  ASSERT_EQ(setxattr((a + "/f").c_str(), "user.k", "v1", 2, 0), 0);
  ASSERT_EQ(setxattr((a + "/f").c_str(), "security.rpuffs", "s1", 2, 0), 0);
  EXPECT_TRUE(WaitUntil([&] { return XattrOf(b + "/f", "user.k") == "v1"; }, kPrompt));
  EXPECT_TRUE(WaitUntil([&] { return XattrOf(b + "/f", "security.rpuffs") == "s1"; }, kPrompt));
}

TEST_F(WatchMountTest, NowatchMountKeepsTheShortTimeouts) {
  std::string a = MountOrFail("a");
  std::string b = NewMountPoint("b");
  auto daemon = MountForeground(b, {"-d", "-o", "nowatch,cache_timeout=3600"});
  ASSERT_TRUE(WriteFile(a + "/f", "x", false));
  ASSERT_EQ(StatOf(b + "/f").st_mode & 07777, 0644u);
  ASSERT_TRUE(Missing(b + "/n"));
  ASSERT_EQ(chmod((a + "/f").c_str(), 0600), 0);
  ASSERT_TRUE(WriteFile(a + "/n", "", false));
  // Seen once the 1 s attr_timeout / entry_timeout have passed.
  EXPECT_TRUE(WaitUntil([&] { return (StatOf(b + "/f").st_mode & 07777) == 0600; }, kPrompt));
  EXPECT_TRUE(WaitUntil([&] { return Exists(b + "/n"); }, kPrompt));
  EXPECT_EQ(WatchStarts(*daemon), 0) << daemon->Output();
}

TEST_F(WatchMountTest, ChangesMadeWhileTheWatchWasDownShowOnceItIsBack) {
  std::string a = MountOrFail("a");
  std::string b = NewMountPoint("b");
  // Short timeouts stay 1 s: the hour applies only to what the watch covers.
  auto daemon = WatchingMount(b, "cache_timeout=3600");
  ASSERT_TRUE(WriteFile(a + "/f", "x", false));
  ASSERT_EQ(mkdir((a + "/d").c_str(), 0755), 0);
  ASSERT_EQ(StatOf(b + "/f").st_mode & 07777, 0644u);
  ASSERT_TRUE(List(b + "/d").empty());
  ASSERT_TRUE(Missing(b + "/d/n"));
  ASSERT_TRUE(Missing(b + "/m"));
  // b cannot hear anything while stopped; the server restarts meanwhile and
  // a (reconnecting first) changes what b cached for an hour.
  daemon->Signal(SIGSTOP);
  server_->Kill9();
  server_->Start();
  bool changed = chmod((a + "/f").c_str(), 0600) == 0 && WriteFile(a + "/d/n", "", false) &&
                 WriteFile(a + "/m", "", false);
  daemon->Signal(SIGCONT);
  ASSERT_TRUE(changed);
  EXPECT_TRUE(WaitUntil([&] { return (StatOf(b + "/f").st_mode & 07777) == 0600; }, kPrompt));
  EXPECT_TRUE(WaitUntil([&] { return Exists(b + "/d/n") && Exists(b + "/m"); }, kPrompt));
  // The watch is back, and covers changes again.
  EXPECT_TRUE(WaitUntil([&] { return WatchStarts(*daemon) >= 2; }, kPrompt)) << daemon->Output();
  ASSERT_EQ(StatOf(b + "/f").st_mode & 07777, 0600u);  // cached for an hour again
  ASSERT_EQ(chmod((a + "/f").c_str(), 0640), 0);
  EXPECT_TRUE(WaitUntil([&] { return (StatOf(b + "/f").st_mode & 07777) == 0640; }, kPrompt));
}

bool SameTimes(const struct stat& a, const struct stat& b) {
  return a.st_mtim.tv_sec == b.st_mtim.tv_sec && a.st_mtim.tv_nsec == b.st_mtim.tv_nsec &&
         a.st_ctim.tv_sec == b.st_ctim.tv_sec && a.st_ctim.tv_nsec == b.st_ctim.tv_nsec;
}

// A directory's attributes answered from this mount's own entry changes
// (dir_attrs.h): they are the server's after each of this mount's changes
// and after another mount's, and the round trip is really saved.
TEST_F(WatchMountTest, DirectoryAttributesFollowOwnAndOtherMountsChanges) {
  std::string a = NewMountPoint("a"), b = NewMountPoint("b");
  auto da = WatchingMount(a, "cache_timeout=60");
  auto db = WatchingMount(b, "cache_timeout=60");
  ASSERT_EQ(mkdir((a + "/d").c_str(), 0755), 0);
  struct stat before = StatOf(a + "/d");
  ASSERT_EQ(before.st_nlink, 2u);
  int fd = open((a + "/d/f").c_str(), O_CREAT | O_EXCL | O_WRONLY, 0644);
  ASSERT_GE(fd, 0);
  close(fd);
  ASSERT_EQ(mkdir((a + "/d/sub").c_str(), 0755), 0);
  struct stat after = StatOf(a + "/d");
  EXPECT_EQ(after.st_nlink, 3u);
  EXPECT_FALSE(SameTimes(before, after));
  // ... without asking the server: the kernel's GETATTR of d was answered
  // from the mkdir reply.
  EXPECT_NE(da->Output().find("event=dir_attrs_hit"), std::string::npos);
  EXPECT_TRUE(WaitUntil([&] { return SameTimes(StatOf(b + "/d"), StatOf(a + "/d")); }, kPrompt));
  // Another mount's change shows on a: its notice drops what a kept.
  ASSERT_EQ(mkdir((b + "/d/other").c_str(), 0755), 0);
  EXPECT_TRUE(WaitUntil([&] { return StatOf(a + "/d").st_nlink == 4u; }, kPrompt));
  EXPECT_TRUE(WaitUntil([&] { return SameTimes(StatOf(b + "/d"), StatOf(a + "/d")); }, kPrompt));
  // Own removals: their replies carry the directory's new attributes.
  ASSERT_EQ(rmdir((a + "/d/sub").c_str()), 0);
  ASSERT_EQ(unlink((a + "/d/f").c_str()), 0);
  EXPECT_EQ(StatOf(a + "/d").st_nlink, 3u);
  EXPECT_TRUE(WaitUntil([&] { return SameTimes(StatOf(b + "/d"), StatOf(a + "/d")); }, kPrompt));
}

}  // namespace
}  // namespace rpuffs::testing
