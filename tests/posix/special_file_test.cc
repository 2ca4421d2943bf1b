// mknod/mkfifo: fifos behave as pipes, device nodes keep their type and rdev
// (the data of a device node is the kernel's; it is never read here).
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cerrno>
#include <string>

#include "tests/posix/posix_fixture.h"

namespace rpuffs::posix {
namespace {

using SpecialFileTest = PosixTest;

TEST_F(SpecialFileTest, FifoIsCreatedAndOpensNonBlocking) {
  ASSERT_EQ(ErrnoOf(mkfifo(Path("fifo").c_str(), 0640)), 0);
  struct stat st = LstatOf(Path("fifo"));
  EXPECT_TRUE(S_ISFIFO(st.st_mode));
  EXPECT_EQ(st.st_size, 0);
  // No reader yet: a non-blocking writer is refused.
  Fd lonely_writer = Open(Path("fifo"), O_WRONLY | O_NONBLOCK);
  EXPECT_FALSE(lonely_writer.ok());
  EXPECT_EQ(errno, ENXIO);
  Fd reader = Open(Path("fifo"), O_RDONLY | O_NONBLOCK);
  ASSERT_TRUE(reader.ok()) << strerror(errno);
  Fd writer = Open(Path("fifo"), O_WRONLY | O_NONBLOCK);
  ASSERT_TRUE(writer.ok()) << strerror(errno);
  ASSERT_EQ(write(writer.get(), "through", 7), 7);
  char buf[16];
  EXPECT_EQ(read(reader.get(), buf, sizeof buf), 7);
  EXPECT_EQ(std::string(buf, 7), "through");
  EXPECT_EQ(ErrnoOf(read(reader.get(), buf, sizeof buf)), EAGAIN);
}

TEST_F(SpecialFileTest, MknodOfACharacterDeviceKeepsTypeAndRdev) {
  ASSERT_EQ(ErrnoOf(mknod(Path("null").c_str(), S_IFCHR | 0600, makedev(1, 3))), 0);
  struct stat st = LstatOf(Path("null"));
  EXPECT_TRUE(S_ISCHR(st.st_mode));
  EXPECT_EQ(st.st_mode & 07777, 0600u);
  EXPECT_EQ(major(st.st_rdev), 1u);
  EXPECT_EQ(minor(st.st_rdev), 3u);
}

TEST_F(SpecialFileTest, MknodOfABlockDeviceKeepsTypeAndRdev) {
  ASSERT_EQ(ErrnoOf(mknod(Path("blk").c_str(), S_IFBLK | 0600, makedev(7, 200))), 0);
  struct stat st = LstatOf(Path("blk"));
  EXPECT_TRUE(S_ISBLK(st.st_mode));
  EXPECT_EQ(major(st.st_rdev), 7u);
  EXPECT_EQ(minor(st.st_rdev), 200u);
}

TEST_F(SpecialFileTest, MknodOfARegularFileAndASocketNode) {
  ASSERT_EQ(ErrnoOf(mknod(Path("reg").c_str(), S_IFREG | 0644, 0)), 0);
  ASSERT_EQ(ErrnoOf(mknod(Path("sock").c_str(), S_IFSOCK | 0644, 0)), 0);
  EXPECT_TRUE(S_ISREG(LstatOf(Path("reg")).st_mode));
  EXPECT_EQ(LstatOf(Path("reg")).st_size, 0);
  EXPECT_TRUE(S_ISSOCK(LstatOf(Path("sock")).st_mode));
}

TEST_F(SpecialFileTest, MknodOverAnExistingNameFailsWithEEXIST) {
  ASSERT_TRUE(WriteFile(Path("f"), "x"));
  EXPECT_EQ(ErrnoOf(mkfifo(Path("f").c_str(), 0644)), EEXIST);
  EXPECT_EQ(ErrnoOf(mknod(Path("f").c_str(), S_IFCHR | 0600, makedev(1, 3))), EEXIST);
  EXPECT_TRUE(S_ISREG(LstatOf(Path("f")).st_mode));
}

TEST_F(SpecialFileTest, SpecialFilesCanBeRenamedLinkedAndRemoved) {
  ASSERT_EQ(ErrnoOf(mkfifo(Path("fifo").c_str(), 0644)), 0);
  ASSERT_EQ(ErrnoOf(link(Path("fifo").c_str(), Path("fifo2").c_str())), 0);
  EXPECT_EQ(LstatOf(Path("fifo")).st_nlink, 2u);
  ASSERT_EQ(ErrnoOf(rename(Path("fifo").c_str(), Path("moved").c_str())), 0);
  EXPECT_TRUE(S_ISFIFO(LstatOf(Path("moved")).st_mode));
  EXPECT_EQ(ErrnoOf(unlink(Path("moved").c_str())), 0);
  EXPECT_EQ(ErrnoOf(unlink(Path("fifo2").c_str())), 0);
  EXPECT_TRUE(ListDir(dir_).empty());
}

}  // namespace
}  // namespace rpuffs::posix
