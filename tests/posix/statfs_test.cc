// statfs(2): the name limit, sane counters, and (on targets no one else
// writes to) counters that move the right way when a file comes and goes.
#include <fcntl.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <cerrno>
#include <string>

#include "tests/posix/posix_fixture.h"

namespace rpuffs::posix {
namespace {

using StatfsTest = PosixTest;

constexpr size_t kMiB = 1 << 20;

struct statfs StatfsOf(const std::string& path) {
  struct statfs fs{};
  EXPECT_EQ(ErrnoOf(statfs(path.c_str(), &fs)), 0) << path;
  return fs;
}

long long Signed(unsigned long long v) { return static_cast<long long>(v); }

TEST_F(StatfsTest, NameLimitIs255AndCountersAreConsistent) {
  struct statfs fs = StatfsOf(dir_);
  EXPECT_EQ(fs.f_namelen, 255);
  EXPECT_GT(fs.f_bsize, 0);
  EXPECT_GT(fs.f_blocks, 0u);
  EXPECT_LE(fs.f_bfree, fs.f_blocks);
  EXPECT_LE(fs.f_bavail, fs.f_bfree);
  EXPECT_LE(fs.f_ffree, fs.f_files);
}

TEST_F(StatfsTest, FileAndDirectoryReportTheSameFilesystem) {
  ASSERT_TRUE(WriteFile(Path("f"), "x"));
  struct statfs a = StatfsOf(dir_), b = StatfsOf(Path("f"));
  EXPECT_EQ(a.f_type, b.f_type);
  EXPECT_EQ(a.f_bsize, b.f_bsize);
  EXPECT_EQ(a.f_blocks, b.f_blocks);
  Fd fd = Open(Path("f"), O_RDONLY);
  struct statfs c{};
  ASSERT_EQ(fstatfs(fd.get(), &c), 0);
  EXPECT_EQ(c.f_namelen, 255);
}

TEST_F(StatfsTest, StatfsOfAMissingPathFailsWithENOENT) {
  struct statfs fs;
  EXPECT_EQ(ErrnoOf(statfs(Path("missing").c_str(), &fs)), ENOENT);
}

TEST_F(StatfsTest, CountersFallWhenAFileIsWrittenAndRiseWhenItGoes) {
  struct statfs before = StatfsOf(dir_);
  ASSERT_TRUE(WriteFile(Path("f"), Pattern(kMiB, 1)));
  Fd fd = Open(Path("f"), O_RDONLY);
  ASSERT_EQ(fsync(fd.get()), 0);
  fd.Close();
  struct statfs during = StatfsOf(dir_);
  EXPECT_LE(during.f_bfree, during.f_blocks);
  // The local disk is shared with every other process on the machine, so its
  // counters move for reasons of their own: the direction is checked only on
  // our own volumes (memfs, rpuffs).
  if (!TargetIsPrivate()) return;
  EXPECT_GE((Signed(before.f_bfree) - Signed(during.f_bfree)) * during.f_bsize, Signed(kMiB) / 2)
      << "free blocks before=" << before.f_bfree << " after=" << during.f_bfree;
  if (before.f_files > 0) {
    EXPECT_LT(during.f_ffree, before.f_ffree);
  }
  ASSERT_EQ(ErrnoOf(unlink(Path("f").c_str())), 0);
  struct statfs after = StatfsOf(dir_);
  EXPECT_GT(after.f_bfree, during.f_bfree);
  if (before.f_files > 0) {
    EXPECT_GT(after.f_ffree, during.f_ffree);
  }
}

}  // namespace
}  // namespace rpuffs::posix
