// tests/posix — the fixture every POSIX test uses, and small syscall helpers.
//
// PosixTest gives each test a fresh, empty directory `dir_` (mode 0777) under
// the current target's root, named after the test, and removes it afterwards
// (expecting that to succeed: a filesystem that cannot delete what it made is
// a finding too). Helpers record gtest failures instead of throwing; they are
// thread-safe (the concurrency tests call them from many threads).
#pragma once

#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <ctime>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace rpuffs::posix {

// errno of a failed call (rc == -1), else 0: EXPECT_EQ(ErrnoOf(open(...)), ENOENT).
// Closes nothing: use only with calls that do not return a new fd on success,
// or wrap the fd in Fd.
int ErrnoOf(long rc);

// An owned file descriptor, closed on destruction.
class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() { Close(); }
  Fd(Fd&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  Fd& operator=(Fd&& other) noexcept;
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  bool ok() const { return fd_ >= 0; }
  // close(2)'s result (0 or -1 with errno); the Fd is empty afterwards.
  int Close();

 private:
  int fd_ = -1;
};

// Opens `path`; on failure errno is kept and the Fd is empty.
Fd Open(const std::string& path, int flags, mode_t mode = 0644);

// Creates/truncates `path` and writes `data` (mode 0644). False + failure on error.
bool WriteFile(const std::string& path, const std::string& data);
// Whole contents of `path` ("" + failure if it cannot be read).
std::string ReadFile(const std::string& path);
// pread of up to `len` bytes at `offset` (a short string at EOF).
std::string PreadString(int fd, size_t len, off_t offset);
// stat/lstat that record a failure and return a zeroed struct on error.
struct stat StatOf(const std::string& path);
struct stat LstatOf(const std::string& path);
// Names in `path` without "." and "..", in readdir order.
std::vector<std::string> ListDir(const std::string& path);
// `len` bytes of a pattern that differs for every `seed`.
std::string Pattern(size_t len, unsigned seed);

// Orders timespecs; true if a is strictly later than b.
bool IsLater(const timespec& a, const timespec& b);
// Waits (bounded) until both the fine and the coarse realtime clock are past
// `t`, so a timestamp the kernel or a daemon takes next is strictly later.
void WaitForClockPast(const timespec& t);
// The later of a file's mtime and ctime.
timespec NewestTime(const struct stat& st);

// Names the rows of a table-driven test after their `name` member:
// INSTANTIATE_TEST_SUITE_P(Table, SomeTest, ::testing::Values(...), RowName()).
struct RowName {
  template <typename Row>
  std::string operator()(const ::testing::TestParamInfo<Row>& info) const {
    return info.param.name;
  }
};

class PosixTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;
  // `dir_/name`.
  std::string Path(const std::string& name) const { return dir_ + "/" + name; }
  // True when the target's statfs block / inode counters move only because of
  // this suite (see Target), so before/after comparisons mean something.
  static bool TargetOwnsBlockCounts();
  static bool TargetOwnsFileCounts();
  static const char* TargetName();

  std::string dir_;
};

}  // namespace rpuffs::posix
