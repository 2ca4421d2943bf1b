// unlink/link/symlink/readlink: link counts, dangling links, loops, lstat vs stat.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <string>

#include "tests/posix/posix_fixture.h"

namespace rpuffs::posix {
namespace {

using LinkTest = PosixTest;

std::string ReadLink(const std::string& path) {
  char buf[PATH_MAX];
  ssize_t n = readlink(path.c_str(), buf, sizeof buf);
  if (n < 0) {
    ADD_FAILURE() << "readlink " << path << ": " << strerror(errno);
    return {};
  }
  return std::string(buf, static_cast<size_t>(n));
}

TEST_F(LinkTest, HardLinksShareTheInodeAndCountLinks) {
  ASSERT_TRUE(WriteFile(Path("a"), "shared"));
  ASSERT_EQ(ErrnoOf(link(Path("a").c_str(), Path("b").c_str())), 0);
  ASSERT_EQ(ErrnoOf(mkdir(Path("d").c_str(), 0755)), 0);
  ASSERT_EQ(ErrnoOf(link(Path("a").c_str(), Path("d/c").c_str())), 0);
  struct stat a = StatOf(Path("a")), b = StatOf(Path("b")), c = StatOf(Path("d/c"));
  EXPECT_EQ(a.st_ino, b.st_ino);
  EXPECT_EQ(a.st_ino, c.st_ino);
  EXPECT_EQ(a.st_nlink, 3u);
  EXPECT_EQ(c.st_nlink, 3u);
  ASSERT_TRUE(WriteFile(Path("b"), "changed through b"));
  EXPECT_EQ(ReadFile(Path("d/c")), "changed through b");
  ASSERT_EQ(ErrnoOf(unlink(Path("a").c_str())), 0);
  EXPECT_EQ(StatOf(Path("b")).st_nlink, 2u);
  ASSERT_EQ(ErrnoOf(unlink(Path("b").c_str())), 0);
  EXPECT_EQ(StatOf(Path("d/c")).st_nlink, 1u);
  EXPECT_EQ(ReadFile(Path("d/c")), "changed through b");
}

TEST_F(LinkTest, LinkErrors) {
  ASSERT_TRUE(WriteFile(Path("f"), "x"));
  ASSERT_TRUE(WriteFile(Path("g"), "y"));
  ASSERT_EQ(ErrnoOf(mkdir(Path("d").c_str(), 0755)), 0);
  EXPECT_EQ(ErrnoOf(link(Path("d").c_str(), Path("d2").c_str())), EPERM);
  EXPECT_EQ(ErrnoOf(link(Path("f").c_str(), Path("g").c_str())), EEXIST);
  EXPECT_EQ(ErrnoOf(link(Path("missing").c_str(), Path("h").c_str())), ENOENT);
  EXPECT_EQ(ErrnoOf(link(Path("f").c_str(), Path("missing/h").c_str())), ENOENT);
  EXPECT_EQ(ErrnoOf(link(Path("f").c_str(), Path("g/h").c_str())), ENOTDIR);
  EXPECT_EQ(StatOf(Path("f")).st_nlink, 1u);
  EXPECT_EQ(ReadFile(Path("g")), "y");
}

TEST_F(LinkTest, UnlinkErrors) {
  ASSERT_EQ(ErrnoOf(mkdir(Path("d").c_str(), 0755)), 0);
  ASSERT_TRUE(WriteFile(Path("f"), "x"));
  EXPECT_EQ(ErrnoOf(unlink(Path("d").c_str())), EISDIR);
  EXPECT_EQ(ErrnoOf(unlink(Path("missing").c_str())), ENOENT);
  EXPECT_EQ(ErrnoOf(unlink(Path("f/x").c_str())), ENOTDIR);
  EXPECT_TRUE(S_ISDIR(StatOf(Path("d")).st_mode));
}

TEST_F(LinkTest, SymlinkStoresItsTargetVerbatim) {
  const std::string target = "../some/where/not/../normalised//x";
  ASSERT_EQ(ErrnoOf(symlink(target.c_str(), Path("l").c_str())), 0);
  EXPECT_EQ(ReadLink(Path("l")), target);
  struct stat st = LstatOf(Path("l"));
  EXPECT_TRUE(S_ISLNK(st.st_mode));
  EXPECT_EQ(st.st_size, static_cast<off_t>(target.size()));
}

TEST_F(LinkTest, SymlinkOfMaximumLengthTargetRoundTrips) {
  const std::string target(4095, 't');
  ASSERT_EQ(ErrnoOf(symlink(target.c_str(), Path("l").c_str())), 0);
  EXPECT_EQ(ReadLink(Path("l")), target);
}

TEST_F(LinkTest, StatFollowsSymlinksAndLstatDoesNot) {
  ASSERT_TRUE(WriteFile(Path("f"), "12345"));
  ASSERT_EQ(ErrnoOf(symlink("f", Path("l").c_str())), 0);
  struct stat s = StatOf(Path("l")), l = LstatOf(Path("l")), f = StatOf(Path("f"));
  EXPECT_TRUE(S_ISREG(s.st_mode));
  EXPECT_EQ(s.st_ino, f.st_ino);
  EXPECT_EQ(s.st_size, 5);
  EXPECT_TRUE(S_ISLNK(l.st_mode));
  EXPECT_NE(l.st_ino, f.st_ino);
  EXPECT_EQ(l.st_size, 1);
  EXPECT_EQ(ReadFile(Path("l")), "12345");
}

TEST_F(LinkTest, DanglingSymlinkExistsButDoesNotResolve) {
  ASSERT_EQ(ErrnoOf(symlink("missing", Path("l").c_str())), 0);
  struct stat st;
  EXPECT_EQ(ErrnoOf(lstat(Path("l").c_str(), &st)), 0);
  EXPECT_EQ(ErrnoOf(stat(Path("l").c_str(), &st)), ENOENT);
  EXPECT_EQ(ReadLink(Path("l")), "missing");
  // Creating through the link creates its target.
  ASSERT_TRUE(WriteFile(Path("l"), "made"));
  EXPECT_EQ(ReadFile(Path("missing")), "made");
}

TEST_F(LinkTest, SymlinkLoopFailsWithELOOP) {
  ASSERT_EQ(ErrnoOf(symlink("b", Path("a").c_str())), 0);
  ASSERT_EQ(ErrnoOf(symlink("a", Path("b").c_str())), 0);
  ASSERT_EQ(ErrnoOf(symlink("self", Path("self").c_str())), 0);
  struct stat st;
  EXPECT_EQ(ErrnoOf(stat(Path("a").c_str(), &st)), ELOOP);
  EXPECT_EQ(ErrnoOf(stat(Path("self").c_str(), &st)), ELOOP);
  Fd fd = Open(Path("a"), O_RDONLY);
  EXPECT_FALSE(fd.ok());
  EXPECT_EQ(errno, ELOOP);
  EXPECT_EQ(ErrnoOf(lstat(Path("a").c_str(), &st)), 0);
  Fd nofollow = Open(Path("self"), O_RDONLY | O_NOFOLLOW);
  EXPECT_FALSE(nofollow.ok());
  EXPECT_EQ(errno, ELOOP);
}

TEST_F(LinkTest, ReadlinkOfANonSymlinkFailsWithEINVAL) {
  ASSERT_TRUE(WriteFile(Path("f"), "x"));
  ASSERT_EQ(ErrnoOf(mkdir(Path("d").c_str(), 0755)), 0);
  char buf[64];
  EXPECT_EQ(ErrnoOf(readlink(Path("f").c_str(), buf, sizeof buf)), EINVAL);
  EXPECT_EQ(ErrnoOf(readlink(Path("d").c_str(), buf, sizeof buf)), EINVAL);
  EXPECT_EQ(ErrnoOf(readlink(Path("missing").c_str(), buf, sizeof buf)), ENOENT);
}

TEST_F(LinkTest, SymlinkOverAnExistingNameFailsWithEEXIST) {
  ASSERT_TRUE(WriteFile(Path("f"), "x"));
  EXPECT_EQ(ErrnoOf(symlink("t", Path("f").c_str())), EEXIST);
  EXPECT_TRUE(S_ISREG(LstatOf(Path("f")).st_mode));
}

TEST_F(LinkTest, SymlinkToADirectoryIsTraversed) {
  ASSERT_EQ(ErrnoOf(mkdir(Path("d").c_str(), 0755)), 0);
  ASSERT_TRUE(WriteFile(Path("d/inner"), "in"));
  ASSERT_EQ(ErrnoOf(symlink("d", Path("ld").c_str())), 0);
  EXPECT_EQ(ReadFile(Path("ld/inner")), "in");
  Fd fd = Open(Path("ld"), O_RDONLY | O_DIRECTORY);
  EXPECT_TRUE(fd.ok());
}

}  // namespace
}  // namespace rpuffs::posix
