// statfs(2): the name limit, sane counters, and (on targets no one else
// writes to) counters that move the right way when a file comes and goes.
#include <fcntl.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <cerrno>
#include <functional>
#include <string>

#include "tests/posix/posix_fixture.h"
#include "tests/support/test_support.h"

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

// Creates a 1 MiB file (fsync'd), deletes it, and returns statfs taken
// before, while it exists, and once `released` holds after the unlink (the
// daemon may free the inode only on the kernel's FORGET, so that is waited for).
struct CounterSnapshots {
  struct statfs before, during, after;
};
CounterSnapshots CreateAndRemoveAFile(const std::string& dir, const std::function<bool(const CounterSnapshots&)>& released) {
  CounterSnapshots s{};
  const std::string path = dir + "/f";
  s.before = StatfsOf(dir);
  EXPECT_TRUE(WriteFile(path, Pattern(kMiB, 1)));
  {
    Fd fd = Open(path, O_RDONLY);
    EXPECT_EQ(ErrnoOf(fsync(fd.get())), 0);
  }
  s.during = StatfsOf(dir);
  EXPECT_EQ(ErrnoOf(unlink(path.c_str())), 0);
  testing::WaitUntil([&] {
    s.after = StatfsOf(dir);
    return released(s);
  });
  return s;
}

// The local disk, and the disk under rpuffsd's data dir, are shared with
// every other process on the machine, so their block counters move for
// reasons of their own: the direction is checked only where the target owns
// them (see Target::OwnsBlockCounts).
TEST_F(StatfsTest, FreeBlocksFallWhenAFileIsWrittenAndRiseWhenItGoes) {
  const bool owned = TargetOwnsBlockCounts();
  CounterSnapshots s = CreateAndRemoveAFile(dir_, [owned](const CounterSnapshots& c) {
    return !owned || c.after.f_bfree > c.during.f_bfree;
  });
  EXPECT_LE(s.during.f_bfree, s.during.f_blocks);
  if (!owned) return;
  EXPECT_GE((Signed(s.before.f_bfree) - Signed(s.during.f_bfree)) * s.during.f_bsize, Signed(kMiB) / 2)
      << "free blocks before=" << s.before.f_bfree << " with the file=" << s.during.f_bfree;
  EXPECT_GT(s.after.f_bfree, s.during.f_bfree);
}

TEST_F(StatfsTest, FreeInodesFallWhenAFileIsCreatedAndRiseWhenItGoes) {
  const bool owned = TargetOwnsFileCounts();
  // Inodes of earlier tests' files are freed when the kernel's FORGET for
  // them arrives, at any moment: one that lands between `before` and
  // `during` hides the new file's inode. Such a round is tried again.
  CounterSnapshots s{};
  for (int round = 0; round < 5; ++round) {
    s = CreateAndRemoveAFile(dir_, [owned](const CounterSnapshots& c) {
      return !owned || c.after.f_ffree > c.during.f_ffree;
    });
    if (!owned || s.during.f_ffree < s.before.f_ffree) break;
  }
  EXPECT_LE(s.during.f_ffree, s.during.f_files);
  if (!owned) return;
  EXPECT_LT(s.during.f_ffree, s.before.f_ffree);
  EXPECT_GT(s.after.f_ffree, s.during.f_ffree);
}

}  // namespace
}  // namespace rpuffs::posix
