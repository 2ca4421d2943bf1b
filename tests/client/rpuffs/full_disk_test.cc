// The mount when the server's disk fills up: rpuffsd's data dir on a small
// tmpfs mounted for the test (root only). The application gets ENOSPC (not
// EIO), rpuffsd stays up, what was written before is intact, and after a
// removal the space comes back to writers.
#include <fcntl.h>
#include <sys/mount.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <string>
#include <thread>

#include "tests/client/rpuffs/mount_fixture.h"

namespace rpuffs::testing {
namespace {

constexpr size_t kMiB = 1 << 20;

// Unmounts the tmpfs under rpuffsd's data dir (lazily: rpuffsd may still
// hold its files until the fixture stops it).
struct TmpfsGuard {
  std::string dir;
  ~TmpfsGuard() {
    if (!dir.empty()) umount2(dir.c_str(), MNT_DETACH);
  }
};

// Writes `total` bytes in 1 MiB pieces to a new file, then fsyncs and closes
// it; returns 0 or the first errno any of those gave.
int WriteWhole(const std::string& path, size_t total) {
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) return errno;
  const std::string piece(kMiB, 'w');
  int err = 0;
  for (size_t done = 0; done < total && err == 0; done += kMiB) {
    if (write(fd, piece.data(), piece.size()) != static_cast<ssize_t>(piece.size())) err = errno;
  }
  if (err == 0 && fsync(fd) != 0) err = errno;
  if (close(fd) != 0 && err == 0) err = errno;
  return err;
}

TEST_F(RpuffsMountTest, FullServerDiskGivesENOSPCAndSpaceComesBackAfterRemoval) {
  if (geteuid() != 0) GTEST_SKIP() << "mounting a tmpfs needs root";
  server_->Stop();
  TmpfsGuard tmpfs;
  if (mount("tmpfs", server_->data_dir().c_str(), "tmpfs", 0, "size=192m") != 0) {
    GTEST_SKIP() << "cannot mount a tmpfs: " << std::strerror(errno);
  }
  tmpfs.dir = server_->data_dir();
  server_->Start();
  const std::string mnt = MountOrFail("m");

  ASSERT_TRUE(WriteFile(mnt + "/keep", "precious", true));
  EXPECT_EQ(WriteWhole(mnt + "/big", 1024 * kMiB), ENOSPC);
  EXPECT_TRUE(server_->running());

  std::string kept;
  ASSERT_TRUE(ReadFile(mnt + "/keep", &kept));
  EXPECT_EQ(kept, "precious");
  EXPECT_EQ(mkdir((mnt + "/dir").c_str(), 0755), 0) << std::strerror(errno);
  ASSERT_EQ(unlink((mnt + "/big").c_str()), 0) << std::strerror(errno);

  // Flushes and compactions give the removed file's space back; a bounded
  // wait, not a timing target.
  int err = ENOSPC;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (err == ENOSPC && std::chrono::steady_clock::now() < deadline) {
    err = WriteWhole(mnt + "/again", 16 * kMiB);
    if (err == ENOSPC) std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  EXPECT_EQ(err, 0) << std::strerror(err);
  EXPECT_TRUE(server_->running());
}

}  // namespace
}  // namespace rpuffs::testing
