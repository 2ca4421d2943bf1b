// Negative lookups answered from directories a mount knows completely
// (client/rpuffs/dir_cache.h): which lookups still reach the server, what a
// second mount's changes look like, and that this mount's own changes keep
// the knowledge exact.
#include <fcntl.h>
#include <linux/fs.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <set>
#include <sstream>

#include "tests/client/rpuffs/mount_fixture.h"

namespace rpuffs::testing {
namespace {

bool CreateExclusive(const std::string& path) {
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0644);
  return fd >= 0 && close(fd) == 0;
}

// The daemon logs (at -d) one line per Lookup it sends to the server.
bool LookupSent(const Subprocess& daemon, const std::string& name) {
  std::istringstream lines(daemon.Output());
  std::string line, tail = " name=" + name;
  while (std::getline(lines, line)) {
    if (line.find("event=rpc method=Lookup parent=") != std::string::npos &&
        line.size() >= tail.size() && line.compare(line.size() - tail.size(), tail.size(), tail) == 0) {
      return true;
    }
  }
  return false;
}

TEST_F(RpuffsMountTest, CreatesInKnownDirectoriesSendNoLookup) {
  std::string b = MountOrFail("b");
  ASSERT_EQ(mkdir((b + "/listed").c_str(), 0755), 0);
  ASSERT_TRUE(CreateExclusive(b + "/listed/there"));
  std::string a = NewMountPoint("a");
  // A long entry_timeout: the test must not depend on how fast it runs.
  auto daemon = MountForeground(a, {"-d", "-o", "entry_timeout=600"});
  ASSERT_EQ(mkdir((a + "/fresh").c_str(), 0755), 0);
  constexpr int kFiles = 50;
  for (int i = 0; i < kFiles; ++i) {
    ASSERT_TRUE(CreateExclusive(a + "/fresh/nf" + std::to_string(i))) << i;
  }
  EXPECT_TRUE(Missing(a + "/fresh/never"));
  // A directory this mount only listed (from 0 to eof) is known too.
  EXPECT_EQ(List(a + "/listed"), std::set<std::string>{"there"});
  EXPECT_TRUE(Missing(a + "/listed/nothere"));
  EXPECT_TRUE(Exists(a + "/listed/there"));
  // A lookup in a directory it does not know (the root) reaches the server
  // and is logged: the absence of the others below means something.
  EXPECT_TRUE(Missing(a + "/probe"));
  ASSERT_TRUE(WaitUntil([&] { return LookupSent(*daemon, "probe"); }, std::chrono::seconds(20)))
      << daemon->Output();
  for (int i = 0; i < kFiles; ++i) {
    EXPECT_FALSE(LookupSent(*daemon, "nf" + std::to_string(i))) << i;
  }
  EXPECT_FALSE(LookupSent(*daemon, "never"));
  EXPECT_FALSE(LookupSent(*daemon, "nothere"));
  // The files are really there, for another mount too.
  EXPECT_EQ(List(b + "/fresh").size(), static_cast<size_t>(kFiles));
}

TEST_F(RpuffsMountTest, OtherMountsCreateSeenWithinEntryTimeout) {
  std::string a = MountOrFail("a");  // default entry_timeout: 1 s
  std::string b = MountOrFail("b");
  ASSERT_EQ(mkdir((a + "/d").c_str(), 0755), 0);
  ASSERT_TRUE(Missing(a + "/d/x"));  // answered from what a knows
  ASSERT_TRUE(CreateExclusive(b + "/d/x"));
  // The deadline is far beyond entry_timeout: only a cache that never
  // expires fails this.
  EXPECT_TRUE(WaitUntil([&] { return Exists(a + "/d/x"); }, std::chrono::seconds(30)));
}

TEST_F(RpuffsMountTest, ZeroEntryTimeoutSeesOtherMountsCreateAtOnce) {
  std::string a = MountOrFail("a", {"entry_timeout=0"});
  std::string b = MountOrFail("b");
  ASSERT_EQ(mkdir((a + "/d").c_str(), 0755), 0);
  ASSERT_TRUE(Missing(a + "/d/x"));
  ASSERT_TRUE(CreateExclusive(b + "/d/x"));
  EXPECT_TRUE(Exists(a + "/d/x"));
}

TEST_F(RpuffsMountTest, OwnChangesKeepKnownDirectoriesExact) {
  std::string a = MountOrFail("a", {"entry_timeout=600"});
  std::string b = MountOrFail("b", {"entry_timeout=0"});  // the server's truth
  std::string d1 = a + "/d1", d2 = a + "/d2";
  ASSERT_EQ(mkdir(d1.c_str(), 0755), 0);
  ASSERT_EQ(mkdir(d2.c_str(), 0755), 0);
  // unlink, then create again
  ASSERT_TRUE(CreateExclusive(d1 + "/f"));
  ASSERT_EQ(unlink((d1 + "/f").c_str()), 0);
  EXPECT_TRUE(Missing(d1 + "/f"));
  EXPECT_TRUE(CreateExclusive(d1 + "/f"));
  EXPECT_TRUE(Exists(d1 + "/f"));
  // rename across directories, then back over an existing name
  ASSERT_TRUE(CreateExclusive(d1 + "/a"));
  ASSERT_EQ(rename((d1 + "/a").c_str(), (d2 + "/b").c_str()), 0);
  EXPECT_TRUE(Missing(d1 + "/a"));
  EXPECT_TRUE(Exists(d2 + "/b"));
  int fd = open((d2 + "/b").c_str(), O_RDONLY);
  EXPECT_GE(fd, 0);
  if (fd >= 0) close(fd);
  ASSERT_EQ(rename((d2 + "/b").c_str(), (d1 + "/f").c_str()), 0);
  EXPECT_TRUE(Missing(d2 + "/b"));
  EXPECT_TRUE(Exists(d1 + "/f"));
  // exchange keeps both names; a hard link adds one
  ASSERT_TRUE(CreateExclusive(d2 + "/y"));
  ASSERT_EQ(renameat2(AT_FDCWD, (d1 + "/f").c_str(), AT_FDCWD, (d2 + "/y").c_str(),
                      RENAME_EXCHANGE),
            0);
  EXPECT_TRUE(Exists(d1 + "/f"));
  EXPECT_TRUE(Exists(d2 + "/y"));
  ASSERT_EQ(link((d1 + "/f").c_str(), (d2 + "/h").c_str()), 0);
  EXPECT_TRUE(Exists(d2 + "/h"));
  // rmdir, then mkdir again; the new directory is known (and empty)
  ASSERT_EQ(mkdir((d1 + "/sub").c_str(), 0755), 0);
  ASSERT_EQ(rmdir((d1 + "/sub").c_str()), 0);
  EXPECT_TRUE(Missing(d1 + "/sub"));
  ASSERT_EQ(mkdir((d1 + "/sub").c_str(), 0755), 0);
  EXPECT_TRUE(Exists(d1 + "/sub"));
  EXPECT_TRUE(Missing(d1 + "/sub/z"));
  EXPECT_TRUE(CreateExclusive(d1 + "/sub/z"));
  // What a sees equals what the server holds.
  std::set<std::string> want1{"f", "sub"}, want2{"y", "h"};
  EXPECT_EQ(List(d1), want1);
  EXPECT_EQ(List(d2), want2);
  EXPECT_EQ(List(b + "/d1"), want1);
  EXPECT_EQ(List(b + "/d2"), want2);
  for (const char* gone : {"/d1/a", "/d2/b", "/d1/sub/q"}) EXPECT_TRUE(Missing(a + gone)) << gone;
}

}  // namespace
}  // namespace rpuffs::testing
