// fallocate(2): mode 0 extends the size, KEEP_SIZE reserves without growing,
// PUNCH_HOLE turns a range back into zeros.
#include <fcntl.h>
#include <linux/falloc.h>
#include <unistd.h>

#include <cerrno>
#include <string>

#include "tests/posix/posix_fixture.h"

namespace rpuffs::posix {
namespace {

using FallocateTest = PosixTest;

constexpr off_t kMiB = 1 << 20;

TEST_F(FallocateTest, DefaultModeExtendsTheSizeWithZeros) {
  Fd fd = Open(Path("f"), O_RDWR | O_CREAT);
  ASSERT_TRUE(fd.ok());
  ASSERT_EQ(write(fd.get(), "abc", 3), 3);
  ASSERT_EQ(ErrnoOf(fallocate(fd.get(), 0, 0, kMiB)), 0);
  struct stat st{};
  ASSERT_EQ(fstat(fd.get(), &st), 0);
  EXPECT_EQ(st.st_size, kMiB);
  EXPECT_GE(st.st_blocks * 512, kMiB);
  std::string all = PreadString(fd.get(), kMiB, 0);
  ASSERT_EQ(all.size(), static_cast<size_t>(kMiB));
  EXPECT_EQ(all.substr(0, 3), "abc") << "existing data survives";
  EXPECT_TRUE(all.substr(3) == std::string(kMiB - 3, '\0'));
}

TEST_F(FallocateTest, DefaultModeInsideTheFileChangesNothingVisible) {
  const std::string data = Pattern(100000, 5);
  ASSERT_TRUE(WriteFile(Path("f"), data));
  Fd fd = Open(Path("f"), O_RDWR);
  ASSERT_EQ(ErrnoOf(fallocate(fd.get(), 0, 1000, 5000)), 0);
  fd.Close();
  EXPECT_EQ(StatOf(Path("f")).st_size, 100000);
  EXPECT_TRUE(ReadFile(Path("f")) == data);
}

TEST_F(FallocateTest, KeepSizeReservesSpaceWithoutGrowingTheFile) {
  Fd fd = Open(Path("f"), O_RDWR | O_CREAT);
  ASSERT_TRUE(fd.ok());
  ASSERT_EQ(write(fd.get(), "0123456789", 10), 10);
  ASSERT_EQ(ErrnoOf(fallocate(fd.get(), FALLOC_FL_KEEP_SIZE, 0, kMiB)), 0);
  struct stat st{};
  ASSERT_EQ(fstat(fd.get(), &st), 0);
  EXPECT_EQ(st.st_size, 10);
  EXPECT_GE(st.st_blocks * 512, kMiB);
  EXPECT_EQ(PreadString(fd.get(), 100, 0), "0123456789");
  // Writing into the reserved range then grows the size as usual.
  ASSERT_EQ(pwrite(fd.get(), "Z", 1, 5000), 1);
  ASSERT_EQ(fstat(fd.get(), &st), 0);
  EXPECT_EQ(st.st_size, 5001);
}

TEST_F(FallocateTest, PunchHoleReadsBackAsZerosAndKeepsTheRest) {
  const std::string data = Pattern(256 * 1024, 9);
  ASSERT_TRUE(WriteFile(Path("f"), data));
  Fd fd = Open(Path("f"), O_RDWR);
  ASSERT_TRUE(fd.ok());
  const off_t at = 10000, len = 100000;  // neither end on a block boundary
  ASSERT_EQ(ErrnoOf(fallocate(fd.get(), FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, at, len)), 0);
  struct stat st{};
  ASSERT_EQ(fstat(fd.get(), &st), 0);
  EXPECT_EQ(st.st_size, static_cast<off_t>(data.size()));
  std::string want = data;
  want.replace(at, len, std::string(len, '\0'));
  EXPECT_TRUE(PreadString(fd.get(), data.size() + 1, 0) == want);
}

TEST_F(FallocateTest, PunchHoleWithoutKeepSizeFailsWithEOPNOTSUPP) {
  ASSERT_TRUE(WriteFile(Path("f"), "data"));
  Fd fd = Open(Path("f"), O_RDWR);
  EXPECT_EQ(ErrnoOf(fallocate(fd.get(), FALLOC_FL_PUNCH_HOLE, 0, 2)), EOPNOTSUPP);
  EXPECT_EQ(PreadString(fd.get(), 10, 0), "data");
}

TEST_F(FallocateTest, InvalidArgumentsFail) {
  Fd fd = Open(Path("f"), O_RDWR | O_CREAT);
  ASSERT_TRUE(fd.ok());
  EXPECT_EQ(ErrnoOf(fallocate(fd.get(), 0, -1, 10)), EINVAL);
  EXPECT_EQ(ErrnoOf(fallocate(fd.get(), 0, 0, 0)), EINVAL);
  Fd ro = Open(Path("f"), O_RDONLY);
  EXPECT_EQ(ErrnoOf(fallocate(ro.get(), 0, 0, 10)), EBADF);
}

}  // namespace
}  // namespace rpuffs::posix
