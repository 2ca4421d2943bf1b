// Unlinked-but-open files: the inode lives on through its descriptors, and
// its space is returned when the last one closes.
#include <fcntl.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <cerrno>
#include <string>

#include "tests/posix/posix_fixture.h"
#include "tests/support/test_support.h"

namespace rpuffs::posix {
namespace {

using UnlinkedOpenTest = PosixTest;

constexpr size_t kBigFile = 8 << 20;

TEST_F(UnlinkedOpenTest, DescriptorKeepsWorkingAfterUnlink) {
  Fd fd = Open(Path("f"), O_RDWR | O_CREAT);
  ASSERT_TRUE(fd.ok());
  ASSERT_EQ(write(fd.get(), "before", 6), 6);
  ASSERT_EQ(ErrnoOf(unlink(Path("f").c_str())), 0);
  struct stat st;
  EXPECT_EQ(ErrnoOf(stat(Path("f").c_str(), &st)), ENOENT);
  EXPECT_TRUE(ListDir(dir_).empty());

  ASSERT_EQ(write(fd.get(), "+after", 6), 6);
  ASSERT_EQ(pwrite(fd.get(), "X", 1, 100000), 1);
  EXPECT_EQ(PreadString(fd.get(), 12, 0), "before+after");
  EXPECT_EQ(PreadString(fd.get(), 10, 100000), "X");
  ASSERT_EQ(fstat(fd.get(), &st), 0);
  EXPECT_EQ(st.st_nlink, 0u);
  EXPECT_EQ(st.st_size, 100001);
  EXPECT_EQ(ftruncate(fd.get(), 3), 0);
  EXPECT_EQ(PreadString(fd.get(), 100, 0), "bef");
  EXPECT_EQ(fchmod(fd.get(), 0600), 0);
  ASSERT_EQ(fstat(fd.get(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0600u);
  EXPECT_EQ(fsync(fd.get()), 0);
  EXPECT_EQ(fd.Close(), 0);
}

TEST_F(UnlinkedOpenTest, ANewFileWithTheSameNameIsADifferentInode) {
  Fd old = Open(Path("f"), O_RDWR | O_CREAT);
  ASSERT_TRUE(old.ok());
  ASSERT_EQ(write(old.get(), "old", 3), 3);
  ASSERT_EQ(ErrnoOf(unlink(Path("f").c_str())), 0);
  ASSERT_TRUE(WriteFile(Path("f"), "new"));
  EXPECT_EQ(PreadString(old.get(), 10, 0), "old");
  EXPECT_EQ(ReadFile(Path("f")), "new");
  struct stat o{};
  ASSERT_EQ(fstat(old.get(), &o), 0);
  EXPECT_NE(o.st_ino, StatOf(Path("f")).st_ino);
}

TEST_F(UnlinkedOpenTest, SecondDescriptorOfAnUnlinkedFileSeesTheSameData) {
  ASSERT_TRUE(WriteFile(Path("f"), "shared"));
  Fd a = Open(Path("f"), O_RDWR);
  Fd b = Open(Path("f"), O_RDONLY);
  ASSERT_TRUE(a.ok() && b.ok());
  ASSERT_EQ(ErrnoOf(unlink(Path("f").c_str())), 0);
  ASSERT_EQ(pwrite(a.get(), "SH", 2, 0), 2);
  a.Close();
  EXPECT_EQ(PreadString(b.get(), 10, 0), "SHared");
}

TEST_F(UnlinkedOpenTest, SpaceComesBackWhenTheLastDescriptorCloses) {
  Fd fd = Open(Path("f"), O_RDWR | O_CREAT);
  ASSERT_TRUE(fd.ok());
  const std::string data = Pattern(kBigFile, 3);
  ASSERT_EQ(write(fd.get(), data.data(), data.size()), static_cast<ssize_t>(data.size()));
  ASSERT_EQ(fsync(fd.get()), 0);
  struct stat st{};
  ASSERT_EQ(fstat(fd.get(), &st), 0);
  EXPECT_GE(st.st_blocks * 512, static_cast<blkcnt_t>(kBigFile)) << "the data occupies space";
  ASSERT_EQ(ErrnoOf(unlink(Path("f").c_str())), 0);
  struct statfs open_fs{}, closed_fs{};
  ASSERT_EQ(statfs(dir_.c_str(), &open_fs), 0);
  ASSERT_EQ(fd.Close(), 0);
  // Only counters the target owns say anything (see Target::OwnsBlockCounts);
  // the daemon may free the inode only on the kernel's FORGET: wait for it.
  const bool blocks = TargetOwnsBlockCounts(), files = TargetOwnsFileCounts();
  bool freed = testing::WaitUntil([&] {
    if (statfs(dir_.c_str(), &closed_fs) != 0) return false;
    const long long blocks_back =
        (static_cast<long long>(closed_fs.f_bfree) - static_cast<long long>(open_fs.f_bfree)) * closed_fs.f_bsize;
    return (!blocks || blocks_back >= static_cast<long long>(kBigFile / 2)) &&
           (!files || closed_fs.f_ffree > open_fs.f_ffree);
  });
  EXPECT_TRUE(freed) << "free blocks open=" << open_fs.f_bfree << " closed=" << closed_fs.f_bfree
                     << "; free inodes open=" << open_fs.f_ffree << " closed=" << closed_fs.f_ffree;
}

}  // namespace
}  // namespace rpuffs::posix
