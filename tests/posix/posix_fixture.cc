#include "tests/posix/posix_fixture.h"

#include <dirent.h>
#include <fcntl.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>

#include "tests/posix/posix_target.h"
#include "tests/support/test_support.h"

namespace rpuffs::posix {

int ErrnoOf(long rc) { return rc == -1 ? errno : 0; }

Fd& Fd::operator=(Fd&& other) noexcept {
  if (this != &other) {
    Close();
    fd_ = other.fd_;
    other.fd_ = -1;
  }
  return *this;
}

int Fd::Close() {
  if (fd_ < 0) return 0;
  int rc = close(fd_);
  fd_ = -1;
  return rc;
}

Fd Open(const std::string& path, int flags, mode_t mode) {
  return Fd(open(path.c_str(), flags | O_CLOEXEC, mode));
}

bool WriteFile(const std::string& path, const std::string& data) {
  Fd fd = Open(path, O_WRONLY | O_CREAT | O_TRUNC);
  if (!fd.ok()) {
    ADD_FAILURE() << "create " << path << ": " << strerror(errno);
    return false;
  }
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = write(fd.get(), data.data() + done, data.size() - done);
    if (n <= 0) {
      ADD_FAILURE() << "write " << path << ": " << strerror(errno);
      return false;
    }
    done += static_cast<size_t>(n);
  }
  if (fd.Close() != 0) {
    ADD_FAILURE() << "close " << path << ": " << strerror(errno);
    return false;
  }
  return true;
}

std::string ReadFile(const std::string& path) {
  Fd fd = Open(path, O_RDONLY);
  if (!fd.ok()) {
    ADD_FAILURE() << "open " << path << ": " << strerror(errno);
    return {};
  }
  std::string out;
  char buf[65536];
  for (;;) {
    ssize_t n = read(fd.get(), buf, sizeof buf);
    if (n < 0) {
      ADD_FAILURE() << "read " << path << ": " << strerror(errno);
      return {};
    }
    if (n == 0) return out;
    out.append(buf, static_cast<size_t>(n));
  }
}

std::string PreadString(int fd, size_t len, off_t offset) {
  std::string out(len, '\0');
  ssize_t n = pread(fd, out.data(), len, offset);
  if (n < 0) {
    ADD_FAILURE() << "pread: " << strerror(errno);
    return {};
  }
  out.resize(static_cast<size_t>(n));
  return out;
}

namespace {
struct stat StatWith(int (*call)(const char*, struct stat*), const char* what, const std::string& path) {
  struct stat st{};
  if (call(path.c_str(), &st) != 0) {
    ADD_FAILURE() << what << " " << path << ": " << strerror(errno);
    st = {};
  }
  return st;
}
}  // namespace

struct stat StatOf(const std::string& path) { return StatWith(stat, "stat", path); }
struct stat LstatOf(const std::string& path) { return StatWith(lstat, "lstat", path); }

std::vector<std::string> ListDir(const std::string& path) {
  std::vector<std::string> names;
  DIR* d = opendir(path.c_str());
  if (!d) {
    ADD_FAILURE() << "opendir " << path << ": " << strerror(errno);
    return names;
  }
  errno = 0;
  while (dirent* e = readdir(d)) {
    if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) names.emplace_back(e->d_name);
  }
  if (errno != 0) ADD_FAILURE() << "readdir " << path << ": " << strerror(errno);
  closedir(d);
  return names;
}

std::string Pattern(size_t len, unsigned seed) {
  std::string out(len, '\0');
  uint32_t x = seed * 2654435761u + 12345u;
  for (size_t i = 0; i < len; ++i) {
    x = x * 1103515245u + 12345u;
    out[i] = static_cast<char>(x >> 24);
  }
  return out;
}

bool IsLater(const timespec& a, const timespec& b) {
  return a.tv_sec != b.tv_sec ? a.tv_sec > b.tv_sec : a.tv_nsec > b.tv_nsec;
}

void WaitForClockPast(const timespec& t) {
  // Kernel timestamps come from the coarse clock (one tick, a few ms); a FUSE
  // daemon may use the fine one. Wait for both so "changed" is unambiguous.
  bool passed = testing::WaitUntil(
      [&] {
        timespec fine{}, coarse{};
        clock_gettime(CLOCK_REALTIME, &fine);
        clock_gettime(CLOCK_REALTIME_COARSE, &coarse);
        return IsLater(fine, t) && IsLater(coarse, t);
      },
      std::chrono::seconds(5));
  EXPECT_TRUE(passed) << "the clock did not pass a file timestamp within 5 s";
}

timespec NewestTime(const struct stat& st) {
  return IsLater(st.st_mtim, st.st_ctim) ? st.st_mtim : st.st_ctim;
}

void PosixTest::SetUp() {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string name = std::string(info->test_suite_name()) + "." + info->name();
  std::replace(name.begin(), name.end(), '/', '_');
  dir_ = CurrentTarget().Root() + "/" + name;
  ASSERT_EQ(ErrnoOf(mkdir(dir_.c_str(), 0777)), 0) << dir_;
  ASSERT_EQ(ErrnoOf(chmod(dir_.c_str(), 0777)), 0) << dir_;  // past the umask
}

void PosixTest::TearDown() {
  if (dir_.empty()) return;
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
  EXPECT_FALSE(ec) << "removing " << dir_ << ": " << ec.message();
}

bool PosixTest::TargetOwnsBlockCounts() { return CurrentTarget().OwnsBlockCounts(); }
bool PosixTest::TargetOwnsFileCounts() { return CurrentTarget().OwnsFileCounts(); }
const char* PosixTest::TargetName() { return CurrentTarget().Name(); }

}  // namespace rpuffs::posix
