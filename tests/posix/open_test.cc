// open(2): creation flags, truncation, append, and the errno of every misuse.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <ostream>
#include <string>

#include "tests/posix/posix_fixture.h"

namespace rpuffs::posix {
namespace {

using OpenTest = PosixTest;

TEST_F(OpenTest, CreatMakesAnEmptyRegularFileWithTheRequestedMode) {
  mode_t old = umask(022);
  Fd fd = Open(Path("f"), O_WRONLY | O_CREAT, 0640);
  umask(old);
  ASSERT_TRUE(fd.ok()) << strerror(errno);
  struct stat st = StatOf(Path("f"));
  EXPECT_TRUE(S_ISREG(st.st_mode));
  EXPECT_EQ(st.st_mode & 07777, 0640u);
  EXPECT_EQ(st.st_size, 0);
  EXPECT_EQ(st.st_nlink, 1u);
}

TEST_F(OpenTest, CreatAppliesTheUmask) {
  mode_t old = umask(027);
  Fd fd = Open(Path("f"), O_WRONLY | O_CREAT, 0777);
  umask(old);
  ASSERT_TRUE(fd.ok()) << strerror(errno);
  EXPECT_EQ(StatOf(Path("f")).st_mode & 07777, 0750u);
}

TEST_F(OpenTest, CreatOnAnExistingFileKeepsItsContents) {
  ASSERT_TRUE(WriteFile(Path("f"), "hello"));
  Fd fd = Open(Path("f"), O_RDWR | O_CREAT, 0600);
  ASSERT_TRUE(fd.ok());
  EXPECT_EQ(PreadString(fd.get(), 100, 0), "hello");
}

TEST_F(OpenTest, CreatExclOnAnExistingFileFailsWithEEXIST) {
  ASSERT_TRUE(WriteFile(Path("f"), "x"));
  Fd fd = Open(Path("f"), O_WRONLY | O_CREAT | O_EXCL);
  EXPECT_FALSE(fd.ok());
  EXPECT_EQ(errno, EEXIST);
  EXPECT_EQ(ReadFile(Path("f")), "x");
}

TEST_F(OpenTest, CreatExclOnADanglingSymlinkFailsWithEEXIST) {
  ASSERT_EQ(ErrnoOf(symlink("nowhere", Path("link").c_str())), 0);
  Fd fd = Open(Path("link"), O_WRONLY | O_CREAT | O_EXCL);
  EXPECT_FALSE(fd.ok());
  EXPECT_EQ(errno, EEXIST);
  EXPECT_EQ(ErrnoOf(access(Path("nowhere").c_str(), F_OK)), ENOENT);
}

TEST_F(OpenTest, TruncEmptiesAnExistingFile) {
  ASSERT_TRUE(WriteFile(Path("f"), std::string(10000, 'a')));
  Fd fd = Open(Path("f"), O_WRONLY | O_TRUNC);
  ASSERT_TRUE(fd.ok());
  EXPECT_EQ(StatOf(Path("f")).st_size, 0);
  ASSERT_EQ(write(fd.get(), "b", 1), 1);
  ASSERT_EQ(fd.Close(), 0);
  EXPECT_EQ(ReadFile(Path("f")), "b");
}

TEST_F(OpenTest, AppendWritesLandAtTheEndEvenAfterLseek) {
  ASSERT_TRUE(WriteFile(Path("f"), "0123456789"));
  Fd fd = Open(Path("f"), O_RDWR | O_APPEND);
  ASSERT_TRUE(fd.ok());
  ASSERT_EQ(lseek(fd.get(), 0, SEEK_SET), 0);
  ASSERT_EQ(write(fd.get(), "AB", 2), 2);
  EXPECT_EQ(lseek(fd.get(), 0, SEEK_CUR), 12);
  ASSERT_EQ(lseek(fd.get(), 3, SEEK_SET), 3);
  ASSERT_EQ(write(fd.get(), "CD", 2), 2);
  ASSERT_EQ(fd.Close(), 0);
  EXPECT_EQ(ReadFile(Path("f")), "0123456789ABCD");
}

TEST_F(OpenTest, AppendFromTwoDescriptorsNeverOverwrites) {
  ASSERT_TRUE(WriteFile(Path("f"), ""));
  Fd a = Open(Path("f"), O_WRONLY | O_APPEND);
  Fd b = Open(Path("f"), O_WRONLY | O_APPEND);
  ASSERT_TRUE(a.ok() && b.ok());
  for (int i = 0; i < 10; ++i) {
    ASSERT_EQ(write(a.get(), "aa", 2), 2);
    ASSERT_EQ(write(b.get(), "b", 1), 1);
  }
  a.Close();
  b.Close();
  std::string want;
  for (int i = 0; i < 10; ++i) want += "aab";
  EXPECT_EQ(ReadFile(Path("f")), want);
}

TEST_F(OpenTest, ReadOnlyDescriptorRejectsWritesWithEBADF) {
  ASSERT_TRUE(WriteFile(Path("f"), "abc"));
  Fd fd = Open(Path("f"), O_RDONLY);
  ASSERT_TRUE(fd.ok());
  EXPECT_EQ(ErrnoOf(write(fd.get(), "x", 1)), EBADF);
  EXPECT_EQ(ErrnoOf(pwrite(fd.get(), "x", 1, 0)), EBADF);
  EXPECT_EQ(ErrnoOf(ftruncate(fd.get(), 0)), EINVAL);  // Linux: EINVAL, not EBADF, for O_RDONLY
  EXPECT_EQ(ReadFile(Path("f")), "abc");
}

TEST_F(OpenTest, WriteOnlyDescriptorRejectsReadsWithEBADF) {
  ASSERT_TRUE(WriteFile(Path("f"), "abc"));
  Fd fd = Open(Path("f"), O_WRONLY);
  ASSERT_TRUE(fd.ok());
  char c;
  EXPECT_EQ(ErrnoOf(read(fd.get(), &c, 1)), EBADF);
}

TEST_F(OpenTest, OpeningADirectoryForWritingFailsWithEISDIR) {
  ASSERT_EQ(ErrnoOf(mkdir(Path("d").c_str(), 0755)), 0);
  for (int flags : {O_WRONLY, O_RDWR, O_WRONLY | O_CREAT, O_RDWR | O_TRUNC}) {
    Fd fd = Open(Path("d"), flags);
    EXPECT_FALSE(fd.ok()) << "flags " << flags;
    EXPECT_EQ(errno, EISDIR) << "flags " << flags;
  }
  Fd ro = Open(Path("d"), O_RDONLY);
  ASSERT_TRUE(ro.ok()) << "read-only open of a directory: " << strerror(errno);
  char c;
  EXPECT_EQ(ErrnoOf(read(ro.get(), &c, 1)), EISDIR);
}

struct OpenErrorCase {
  const char* name;
  const char* path;  // relative to the test dir, which holds file "f" and dir "d"
  int flags;
  int expected_errno;
};

// gtest prints a failing case by its name rather than its bytes.
void PrintTo(const OpenErrorCase& c, std::ostream* os) { *os << c.name; }

class OpenErrorTest : public PosixTest, public ::testing::WithParamInterface<OpenErrorCase> {};

TEST_P(OpenErrorTest, FailsWithTheExpectedErrno) {
  const OpenErrorCase& c = GetParam();
  ASSERT_TRUE(WriteFile(Path("f"), "data"));
  ASSERT_EQ(ErrnoOf(mkdir(Path("d").c_str(), 0755)), 0);
  Fd fd = Open(Path(c.path), c.flags);
  EXPECT_FALSE(fd.ok()) << c.name;
  EXPECT_EQ(errno, c.expected_errno) << c.name << ": got " << strerror(errno);
}

INSTANTIATE_TEST_SUITE_P(
    Table, OpenErrorTest,
    ::testing::Values(OpenErrorCase{"MissingFileENOENT", "missing", O_RDONLY, ENOENT},
                      OpenErrorCase{"MissingDirComponentENOENT", "nodir/x", O_RDONLY | O_CREAT, ENOENT},
                      OpenErrorCase{"FileAsPathComponentENOTDIR", "f/x", O_RDONLY, ENOTDIR},
                      OpenErrorCase{"FileAsComponentOnCreateENOTDIR", "f/x", O_WRONLY | O_CREAT, ENOTDIR},
                      OpenErrorCase{"DirectoryFlagOnFileENOTDIR", "f", O_RDONLY | O_DIRECTORY, ENOTDIR},
                      OpenErrorCase{"TrailingSlashOnFileENOTDIR", "f/", O_RDONLY, ENOTDIR},
                      OpenErrorCase{"CreatExclOnDirEEXIST", "d", O_WRONLY | O_CREAT | O_EXCL, EEXIST},
                      OpenErrorCase{"CreatOnDirEISDIR", "d", O_WRONLY | O_CREAT, EISDIR}),
    RowName());

TEST_F(OpenTest, NameOf255BytesWorksAnd256FailsWithENAMETOOLONG) {
  const std::string ok(255, 'n');
  const std::string too_long(256, 'n');
  {
    Fd fd = Open(Path(ok), O_WRONLY | O_CREAT | O_EXCL);
    EXPECT_TRUE(fd.ok()) << strerror(errno);
  }
  EXPECT_EQ(StatOf(Path(ok)).st_size, 0);
  std::vector<std::string> names = ListDir(dir_);
  ASSERT_EQ(names.size(), 1u);
  EXPECT_EQ(names[0], ok);

  Fd fd = Open(Path(too_long), O_WRONLY | O_CREAT);
  EXPECT_FALSE(fd.ok());
  EXPECT_EQ(errno, ENAMETOOLONG);
  struct stat st;
  EXPECT_EQ(ErrnoOf(stat(Path(too_long).c_str(), &st)), ENAMETOOLONG);
  EXPECT_EQ(ErrnoOf(mkdir(Path(too_long).c_str(), 0755)), ENAMETOOLONG);
  EXPECT_EQ(ErrnoOf(symlink("t", Path(too_long).c_str())), ENAMETOOLONG);
  EXPECT_EQ(ErrnoOf(rename(Path(ok).c_str(), Path(too_long).c_str())), ENAMETOOLONG);
}

}  // namespace
}  // namespace rpuffs::posix
