// read/write/lseek/truncate: sizes, EOF, holes, sparse allocation, large offsets.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <string>

#include "tests/posix/posix_fixture.h"

namespace rpuffs::posix {
namespace {

using ReadWriteTest = PosixTest;

constexpr off_t kFourGiB = off_t{4} << 30;

TEST_F(ReadWriteTest, WrittenBytesReadBackAndSetTheSize) {
  for (size_t len : {size_t{1}, size_t{4095}, size_t{4096}, size_t{4097}, size_t{1} << 20, (size_t{3} << 20) + 7}) {
    const std::string name = "f" + std::to_string(len);
    const std::string data = Pattern(len, static_cast<unsigned>(len));
    ASSERT_TRUE(WriteFile(Path(name), data));
    EXPECT_EQ(StatOf(Path(name)).st_size, static_cast<off_t>(len));
    EXPECT_TRUE(ReadFile(Path(name)) == data) << "contents differ for size " << len;
  }
}

TEST_F(ReadWriteTest, ReadAtEndOfFileIsShortThenZero) {
  ASSERT_TRUE(WriteFile(Path("f"), "0123456789"));
  Fd fd = Open(Path("f"), O_RDONLY);
  ASSERT_TRUE(fd.ok());
  char buf[100];
  EXPECT_EQ(read(fd.get(), buf, sizeof buf), 10);
  EXPECT_EQ(read(fd.get(), buf, sizeof buf), 0);
  EXPECT_EQ(PreadString(fd.get(), 100, 6), "6789");
  EXPECT_EQ(PreadString(fd.get(), 100, 10), "");
  EXPECT_EQ(PreadString(fd.get(), 100, 1000), "");
}

TEST_F(ReadWriteTest, PwriteBeyondEndLeavesAHoleThatReadsAsZeros) {
  Fd fd = Open(Path("f"), O_RDWR | O_CREAT);
  ASSERT_TRUE(fd.ok());
  ASSERT_EQ(write(fd.get(), "head", 4), 4);
  ASSERT_EQ(pwrite(fd.get(), "tail", 4, 100000), 4);
  struct stat st{};
  ASSERT_EQ(fstat(fd.get(), &st), 0);
  EXPECT_EQ(st.st_size, 100004);
  std::string all = PreadString(fd.get(), 200000, 0);
  ASSERT_EQ(all.size(), 100004u);
  EXPECT_EQ(all.substr(0, 4), "head");
  EXPECT_EQ(all.substr(4, 100000 - 4), std::string(100000 - 4, '\0'));
  EXPECT_EQ(all.substr(100000), "tail");
}

TEST_F(ReadWriteTest, SparseFileAllocatesFewerBlocksThanItsSize) {
  Fd fd = Open(Path("f"), O_RDWR | O_CREAT);
  ASSERT_TRUE(fd.ok());
  ASSERT_EQ(pwrite(fd.get(), "x", 1, 64 << 20), 1);
  ASSERT_EQ(fsync(fd.get()), 0);
  struct stat st{};
  ASSERT_EQ(fstat(fd.get(), &st), 0);
  EXPECT_EQ(st.st_size, (64 << 20) + 1);
  EXPECT_LT(st.st_blocks * 512, st.st_size / 2) << "st_blocks=" << st.st_blocks;
}

TEST_F(ReadWriteTest, WritesAtOffsetsBeyondFourGiBWork) {
  Fd fd = Open(Path("f"), O_RDWR | O_CREAT);
  ASSERT_TRUE(fd.ok());
  const off_t at = kFourGiB + 12345;
  ASSERT_EQ(pwrite(fd.get(), "far away", 8, at), 8);
  EXPECT_EQ(lseek(fd.get(), 0, SEEK_END), at + 8);
  EXPECT_EQ(PreadString(fd.get(), 100, at), "far away");
  EXPECT_EQ(PreadString(fd.get(), 4, kFourGiB), std::string(4, '\0'));
  ASSERT_EQ(fd.Close(), 0);
  EXPECT_EQ(StatOf(Path("f")).st_size, at + 8);
  ASSERT_EQ(ErrnoOf(truncate(Path("f").c_str(), kFourGiB + 4)), 0);
  Fd again = Open(Path("f"), O_RDONLY);
  EXPECT_EQ(PreadString(again.get(), 100, kFourGiB), std::string(4, '\0'));
}

TEST_F(ReadWriteTest, LseekWhenceValuesAndErrors) {
  ASSERT_TRUE(WriteFile(Path("f"), "0123456789"));
  Fd fd = Open(Path("f"), O_RDWR);
  ASSERT_TRUE(fd.ok());
  EXPECT_EQ(lseek(fd.get(), 0, SEEK_END), 10);
  EXPECT_EQ(lseek(fd.get(), -3, SEEK_END), 7);
  EXPECT_EQ(lseek(fd.get(), 2, SEEK_CUR), 9);
  char c = 0;
  ASSERT_EQ(read(fd.get(), &c, 1), 1);
  EXPECT_EQ(c, '9');
  EXPECT_EQ(ErrnoOf(lseek(fd.get(), -11, SEEK_END)), EINVAL);
  EXPECT_EQ(lseek(fd.get(), 20, SEEK_END), 30);  // past the end is allowed
  ASSERT_EQ(write(fd.get(), "x", 1), 1);
  EXPECT_EQ(StatOf(Path("f")).st_size, 31);
}

TEST_F(ReadWriteTest, TruncateDownDropsDataAndUpAddsZeros) {
  ASSERT_TRUE(WriteFile(Path("f"), Pattern(10000, 1)));
  ASSERT_EQ(ErrnoOf(truncate(Path("f").c_str(), 100)), 0);
  EXPECT_EQ(StatOf(Path("f")).st_size, 100);
  EXPECT_EQ(ReadFile(Path("f")), Pattern(10000, 1).substr(0, 100));
  ASSERT_EQ(ErrnoOf(truncate(Path("f").c_str(), 5000)), 0);
  std::string grown = ReadFile(Path("f"));
  ASSERT_EQ(grown.size(), 5000u);
  EXPECT_EQ(grown.substr(0, 100), Pattern(10000, 1).substr(0, 100));
  EXPECT_EQ(grown.substr(100), std::string(4900, '\0')) << "old bytes came back after truncate down/up";
}

TEST_F(ReadWriteTest, FtruncateResizesAnOpenFile) {
  Fd fd = Open(Path("f"), O_RDWR | O_CREAT);
  ASSERT_TRUE(fd.ok());
  ASSERT_EQ(write(fd.get(), "abcdef", 6), 6);
  ASSERT_EQ(ftruncate(fd.get(), 3), 0);
  struct stat st{};
  ASSERT_EQ(fstat(fd.get(), &st), 0);
  EXPECT_EQ(st.st_size, 3);
  EXPECT_EQ(PreadString(fd.get(), 10, 0), "abc");
  // The file offset stays at 6: the next write leaves a zero gap.
  ASSERT_EQ(write(fd.get(), "Z", 1), 1);
  EXPECT_EQ(PreadString(fd.get(), 10, 0), std::string("abc\0\0\0Z", 7));
  ASSERT_EQ(ftruncate(fd.get(), 0), 0);
  EXPECT_EQ(PreadString(fd.get(), 10, 0), "");
}

TEST_F(ReadWriteTest, TruncateErrors) {
  ASSERT_EQ(ErrnoOf(mkdir(Path("d").c_str(), 0755)), 0);
  ASSERT_TRUE(WriteFile(Path("f"), "x"));
  EXPECT_EQ(ErrnoOf(truncate(Path("d").c_str(), 0)), EISDIR);
  EXPECT_EQ(ErrnoOf(truncate(Path("missing").c_str(), 0)), ENOENT);
  EXPECT_EQ(ErrnoOf(truncate(Path("f").c_str(), -1)), EINVAL);
}

TEST_F(ReadWriteTest, OverwriteInTheMiddleKeepsTheRest) {
  ASSERT_TRUE(WriteFile(Path("f"), std::string(10000, 'a')));
  Fd fd = Open(Path("f"), O_WRONLY);
  ASSERT_TRUE(fd.ok());
  ASSERT_EQ(pwrite(fd.get(), "BBBB", 4, 4094), 4);  // straddles a 4 KiB boundary
  ASSERT_EQ(fd.Close(), 0);
  std::string want(10000, 'a');
  want.replace(4094, 4, "BBBB");
  EXPECT_TRUE(ReadFile(Path("f")) == want);
  EXPECT_EQ(StatOf(Path("f")).st_size, 10000);
}

}  // namespace
}  // namespace rpuffs::posix
