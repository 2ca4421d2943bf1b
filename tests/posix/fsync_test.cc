// fsync/fdatasync/close return 0, and data written is there after reopening.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <string>

#include "tests/posix/posix_fixture.h"

namespace rpuffs::posix {
namespace {

using FsyncTest = PosixTest;

TEST_F(FsyncTest, FsyncFdatasyncAndCloseSucceedAndDataSurvivesReopen) {
  const std::string data = Pattern(3 << 20, 11);
  Fd fd = Open(Path("f"), O_WRONLY | O_CREAT | O_TRUNC);
  ASSERT_TRUE(fd.ok());
  ASSERT_EQ(write(fd.get(), data.data(), data.size()), static_cast<ssize_t>(data.size()));
  EXPECT_EQ(ErrnoOf(fsync(fd.get())), 0);
  ASSERT_EQ(pwrite(fd.get(), "tail", 4, static_cast<off_t>(data.size())), 4);
  EXPECT_EQ(ErrnoOf(fdatasync(fd.get())), 0);
  EXPECT_EQ(ErrnoOf(fd.Close()), 0);
  EXPECT_TRUE(ReadFile(Path("f")) == data + "tail");
}

TEST_F(FsyncTest, SyncWritesWithOsyncReturnAfterTheData) {
  Fd fd = Open(Path("f"), O_WRONLY | O_CREAT | O_SYNC);
  ASSERT_TRUE(fd.ok());
  ASSERT_EQ(write(fd.get(), "synced", 6), 6);
  EXPECT_EQ(ReadFile(Path("f")), "synced");
  EXPECT_EQ(ErrnoOf(fd.Close()), 0);
}

TEST_F(FsyncTest, FsyncOfADirectoryAndOfAReadOnlyFileSucceed) {
  ASSERT_TRUE(WriteFile(Path("f"), "x"));
  Fd dir = Open(dir_, O_RDONLY | O_DIRECTORY);
  ASSERT_TRUE(dir.ok());
  EXPECT_EQ(ErrnoOf(fsync(dir.get())), 0);
  Fd ro = Open(Path("f"), O_RDONLY);
  ASSERT_TRUE(ro.ok());
  EXPECT_EQ(ErrnoOf(fsync(ro.get())), 0);
  EXPECT_EQ(ErrnoOf(ro.Close()), 0);
  EXPECT_EQ(ErrnoOf(dir.Close()), 0);
}

TEST_F(FsyncTest, DataWrittenThroughOneDescriptorIsReadThroughAnother) {
  Fd w = Open(Path("f"), O_WRONLY | O_CREAT);
  Fd r = Open(Path("f"), O_RDONLY);
  ASSERT_TRUE(w.ok() && r.ok());
  ASSERT_EQ(write(w.get(), "visible", 7), 7);
  EXPECT_EQ(PreadString(r.get(), 10, 0), "visible");
}

}  // namespace
}  // namespace rpuffs::posix
