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

}  // namespace
}  // namespace rpuffs::testing
