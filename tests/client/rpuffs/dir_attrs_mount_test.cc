// A directory's attributes answered from this mount's own entry changes
// (dir_attrs.h): they are the server's, after each of this mount's changes
// and after another mount's.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sstream>

#include "tests/client/rpuffs/mount_fixture.h"

namespace rpuffs::testing {
namespace {

constexpr auto kPrompt = std::chrono::seconds(20);

struct stat StatOf(const std::string& path) {
  struct stat st {};
  EXPECT_EQ(stat(path.c_str(), &st), 0) << path;
  return st;
}

bool SameTimes(const struct stat& a, const struct stat& b) {
  return a.st_mtim.tv_sec == b.st_mtim.tv_sec && a.st_mtim.tv_nsec == b.st_mtim.tv_nsec &&
         a.st_ctim.tv_sec == b.st_ctim.tv_sec && a.st_ctim.tv_nsec == b.st_ctim.tv_nsec;
}

class DirAttrsMountTest : public RpuffsMountTest {
 protected:
  // A foreground mount with -d whose watch is up.
  std::unique_ptr<Subprocess> WatchingMount(const std::string& dir) {
    auto daemon = MountForeground(dir, {"-d"});
    EXPECT_TRUE(WaitUntil(
        [&] { return daemon->Output().find("event=watch watching=true") != std::string::npos; }, kPrompt))
        << daemon->Output();
    return daemon;
  }
};

TEST_F(DirAttrsMountTest, DirectoryAttributesFollowOwnAndOtherMountsChanges) {
  std::string a = NewMountPoint("a"), b = NewMountPoint("b");
  auto da = WatchingMount(a);
  auto db = WatchingMount(b);
  ASSERT_EQ(mkdir((a + "/d").c_str(), 0755), 0);
  struct stat before = StatOf(a + "/d");
  ASSERT_EQ(before.st_nlink, 2u);
  // Own changes: a file and a subdirectory; the directory's times and link
  // count must be the server's after each, as mount b (which asks the
  // server) sees them.
  int fd = open((a + "/d/f").c_str(), O_CREAT | O_EXCL | O_WRONLY, 0644);
  ASSERT_GE(fd, 0);
  close(fd);
  ASSERT_EQ(mkdir((a + "/d/sub").c_str(), 0755), 0);
  struct stat after = StatOf(a + "/d");
  EXPECT_EQ(after.st_nlink, 3u);
  EXPECT_FALSE(SameTimes(before, after));
  // ... and without asking the server: the kernel's GETATTR of d was answered
  // from the mkdir reply.
  EXPECT_NE(da->Output().find("event=dir_attrs_hit"), std::string::npos);
  EXPECT_TRUE(WaitUntil([&] { return SameTimes(StatOf(b + "/d"), StatOf(a + "/d")); }, kPrompt));
  // Another mount's change shows on a: its notice drops what a kept.
  ASSERT_EQ(mkdir((b + "/d/other").c_str(), 0755), 0);
  EXPECT_TRUE(WaitUntil([&] { return StatOf(a + "/d").st_nlink == 4u; }, kPrompt));
  EXPECT_TRUE(WaitUntil([&] { return SameTimes(StatOf(b + "/d"), StatOf(a + "/d")); }, kPrompt));
  // Own removals: nothing kept from before them.
  ASSERT_EQ(rmdir((a + "/d/sub").c_str()), 0);
  ASSERT_EQ(unlink((a + "/d/f").c_str()), 0);
  EXPECT_EQ(StatOf(a + "/d").st_nlink, 3u);
  EXPECT_TRUE(WaitUntil([&] { return SameTimes(StatOf(b + "/d"), StatOf(a + "/d")); }, kPrompt));
}

}  // namespace
}  // namespace rpuffs::testing
