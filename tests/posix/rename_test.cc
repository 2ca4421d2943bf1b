// rename(2) and renameat2(2): replacement rules, errno values, flags, inode identity.
#include <fcntl.h>
#include <linux/fs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <ostream>
#include <string>

#include "tests/posix/posix_fixture.h"

namespace rpuffs::posix {
namespace {

int Renameat2(const std::string& from, const std::string& to, unsigned flags) {
  return static_cast<int>(syscall(SYS_renameat2, AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), flags));
}

class RenameTest : public PosixTest {
 protected:
  void Mkdir(const std::string& name) { ASSERT_EQ(ErrnoOf(mkdir(Path(name).c_str(), 0755)), 0) << name; }
  int Rename(const std::string& from, const std::string& to) {
    return ErrnoOf(rename(Path(from).c_str(), Path(to).c_str()));
  }
  bool Exists(const std::string& name) {
    struct stat st;
    return lstat(Path(name).c_str(), &st) == 0;
  }
};

TEST_F(RenameTest, RenameMovesTheNameAndKeepsTheInode) {
  ASSERT_TRUE(WriteFile(Path("a"), "payload"));
  const ino_t ino = StatOf(Path("a")).st_ino;
  ASSERT_EQ(Rename("a", "b"), 0);
  EXPECT_FALSE(Exists("a"));
  EXPECT_EQ(StatOf(Path("b")).st_ino, ino);
  EXPECT_EQ(ReadFile(Path("b")), "payload");
}

TEST_F(RenameTest, RenameOverAnExistingFileReplacesIt) {
  ASSERT_TRUE(WriteFile(Path("a"), "new"));
  ASSERT_TRUE(WriteFile(Path("b"), "old"));
  ASSERT_EQ(ErrnoOf(link(Path("b").c_str(), Path("b2").c_str())), 0);
  const ino_t ino = StatOf(Path("a")).st_ino;
  ASSERT_EQ(Rename("a", "b"), 0);
  EXPECT_FALSE(Exists("a"));
  EXPECT_EQ(StatOf(Path("b")).st_ino, ino);
  EXPECT_EQ(ReadFile(Path("b")), "new");
  EXPECT_EQ(StatOf(Path("b2")).st_nlink, 1u) << "the replaced inode lost one link";
  EXPECT_EQ(ReadFile(Path("b2")), "old");
}

TEST_F(RenameTest, RenameOverAnOpenFileKeepsItReadable) {
  ASSERT_TRUE(WriteFile(Path("a"), "new"));
  ASSERT_TRUE(WriteFile(Path("b"), "old"));
  Fd old = Open(Path("b"), O_RDONLY);
  ASSERT_TRUE(old.ok());
  ASSERT_EQ(Rename("a", "b"), 0);
  EXPECT_EQ(PreadString(old.get(), 10, 0), "old");
  struct stat st{};
  ASSERT_EQ(fstat(old.get(), &st), 0);
  EXPECT_EQ(st.st_nlink, 0u);
}

TEST_F(RenameTest, DirectoryOverAnEmptyDirectoryReplacesIt) {
  Mkdir("a");
  ASSERT_TRUE(WriteFile(Path("a/inside"), "x"));
  Mkdir("b");
  ASSERT_EQ(Rename("a", "b"), 0);
  EXPECT_FALSE(Exists("a"));
  EXPECT_EQ(ReadFile(Path("b/inside")), "x");
  EXPECT_EQ(StatOf(dir_).st_nlink, 3u);  // ".", its entry in the parent, and b/..
}

struct RenameErrorCase {
  const char* name;
  const char* from;  // the test dir holds: file f, file g, empty dir e, dir full/x, dir p/c/gc
  const char* to;
  int expected_errno;
};

// gtest prints a failing case by its name rather than its bytes.
void PrintTo(const RenameErrorCase& c, std::ostream* os) { *os << c.name; }

class RenameErrorTest : public RenameTest, public ::testing::WithParamInterface<RenameErrorCase> {};

TEST_P(RenameErrorTest, FailsWithTheExpectedErrnoAndChangesNothing) {
  const RenameErrorCase& c = GetParam();
  ASSERT_TRUE(WriteFile(Path("f"), "f"));
  ASSERT_TRUE(WriteFile(Path("g"), "g"));
  Mkdir("e");
  Mkdir("full");
  ASSERT_TRUE(WriteFile(Path("full/x"), "x"));
  Mkdir("p");
  Mkdir("p/c");
  Mkdir("p/c/gc");
  EXPECT_EQ(Rename(c.from, c.to), c.expected_errno) << c.name << ": got " << strerror(errno);
  for (const char* name : {"f", "g", "e", "full/x", "p/c/gc"}) EXPECT_TRUE(Exists(name)) << name;
  EXPECT_EQ(ReadFile(Path("f")), "f");
}

INSTANTIATE_TEST_SUITE_P(
    Table, RenameErrorTest,
    ::testing::Values(RenameErrorCase{"DirOverNonEmptyDirENOTEMPTY", "e", "full", ENOTEMPTY},
                      RenameErrorCase{"DirOverFileENOTDIR", "e", "f", ENOTDIR},
                      RenameErrorCase{"FileOverDirEISDIR", "f", "e", EISDIR},
                      RenameErrorCase{"DirIntoItsChildEINVAL", "p", "p/c/new", EINVAL},
                      RenameErrorCase{"DirIntoItselfEINVAL", "p", "p/new", EINVAL},
                      RenameErrorCase{"MissingSourceENOENT", "missing", "z", ENOENT},
                      RenameErrorCase{"MissingTargetDirENOENT", "f", "missing/z", ENOENT},
                      RenameErrorCase{"FileAsTargetDirENOTDIR", "f", "g/z", ENOTDIR},
                      RenameErrorCase{"DotAsSourceEBUSY", "e/.", "z", EBUSY},
                      RenameErrorCase{"AncestorOverDescendantENOTEMPTY", "p/c/gc", "p", ENOTEMPTY}),
    RowName());

TEST_F(RenameTest, RenameToItselfSucceedsAndChangesNothing) {
  ASSERT_TRUE(WriteFile(Path("a"), "same"));
  ASSERT_EQ(ErrnoOf(link(Path("a").c_str(), Path("hard").c_str())), 0);
  EXPECT_EQ(Rename("a", "a"), 0);
  // Two names of one inode: rename does nothing and both stay (POSIX).
  EXPECT_EQ(Rename("a", "hard"), 0);
  EXPECT_TRUE(Exists("a"));
  EXPECT_TRUE(Exists("hard"));
  EXPECT_EQ(StatOf(Path("a")).st_nlink, 2u);
  EXPECT_EQ(ReadFile(Path("a")), "same");
}

TEST_F(RenameTest, MovingADirectoryUpdatesBothParentsLinkCounts) {
  Mkdir("p1");
  Mkdir("p2");
  Mkdir("p1/child");
  const ino_t ino = StatOf(Path("p1/child")).st_ino;
  EXPECT_EQ(StatOf(Path("p1")).st_nlink, 3u);
  EXPECT_EQ(StatOf(Path("p2")).st_nlink, 2u);
  ASSERT_EQ(Rename("p1/child", "p2/child"), 0);
  EXPECT_EQ(StatOf(Path("p1")).st_nlink, 2u);
  EXPECT_EQ(StatOf(Path("p2")).st_nlink, 3u);
  EXPECT_EQ(StatOf(Path("p2/child")).st_ino, ino);
  // ".." now leads to the new parent.
  EXPECT_EQ(StatOf(Path("p2/child/..")).st_ino, StatOf(Path("p2")).st_ino);
}

TEST_F(RenameTest, NoreplaceFailsWithEEXISTWhenTheTargetExists) {
  ASSERT_TRUE(WriteFile(Path("a"), "a"));
  ASSERT_TRUE(WriteFile(Path("b"), "b"));
  EXPECT_EQ(ErrnoOf(Renameat2(Path("a"), Path("b"), RENAME_NOREPLACE)), EEXIST);
  EXPECT_EQ(ReadFile(Path("a")), "a");
  EXPECT_EQ(ReadFile(Path("b")), "b");
  EXPECT_EQ(ErrnoOf(Renameat2(Path("a"), Path("c"), RENAME_NOREPLACE)), 0);
  EXPECT_FALSE(Exists("a"));
  EXPECT_EQ(ReadFile(Path("c")), "a");
}

TEST_F(RenameTest, ExchangeSwapsTwoNames) {
  ASSERT_TRUE(WriteFile(Path("f"), "file"));
  Mkdir("d");
  Mkdir("other");
  ASSERT_TRUE(WriteFile(Path("d/inside"), "x"));
  const ino_t f_ino = StatOf(Path("f")).st_ino, d_ino = StatOf(Path("d")).st_ino;
  ASSERT_EQ(ErrnoOf(Renameat2(Path("f"), Path("d"), RENAME_EXCHANGE)), 0);
  EXPECT_EQ(StatOf(Path("d")).st_ino, f_ino);
  EXPECT_EQ(StatOf(Path("f")).st_ino, d_ino);
  EXPECT_EQ(ReadFile(Path("d")), "file");
  EXPECT_EQ(ReadFile(Path("f/inside")), "x");
  // Across directories: the moved directory's ".." follows it.
  ASSERT_EQ(ErrnoOf(Renameat2(Path("f"), Path("other/dummy"), RENAME_EXCHANGE)), ENOENT);
  ASSERT_TRUE(WriteFile(Path("other/file"), "o"));
  ASSERT_EQ(ErrnoOf(Renameat2(Path("f"), Path("other/file"), RENAME_EXCHANGE)), 0);
  EXPECT_EQ(StatOf(Path("other/file/..")).st_ino, StatOf(Path("other")).st_ino);
  EXPECT_EQ(StatOf(Path("other")).st_nlink, 3u);
  EXPECT_EQ(StatOf(dir_).st_nlink, 3u);  // only "other" is a subdirectory now
}

TEST_F(RenameTest, ExchangeWithAMissingNameFailsWithENOENT) {
  ASSERT_TRUE(WriteFile(Path("a"), "a"));
  EXPECT_EQ(ErrnoOf(Renameat2(Path("a"), Path("missing"), RENAME_EXCHANGE)), ENOENT);
  EXPECT_EQ(ErrnoOf(Renameat2(Path("missing"), Path("a"), RENAME_EXCHANGE)), ENOENT);
  EXPECT_EQ(ReadFile(Path("a")), "a");
}

TEST_F(RenameTest, ExchangeTogetherWithNoreplaceFailsWithEINVAL) {
  ASSERT_TRUE(WriteFile(Path("a"), "a"));
  ASSERT_TRUE(WriteFile(Path("b"), "b"));
  EXPECT_EQ(ErrnoOf(Renameat2(Path("a"), Path("b"), RENAME_EXCHANGE | RENAME_NOREPLACE)), EINVAL);
}

}  // namespace
}  // namespace rpuffs::posix
