// Many threads in one directory at once: creating, writing distinct patterns
// and verifying 100 files each; renaming and unlinking. Afterwards readdir and
// stat must agree with what the threads did. Threads only count problems;
// the main thread asserts.
#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "tests/posix/posix_fixture.h"

namespace rpuffs::posix {
namespace {

constexpr int kThreads = 16;
constexpr int kFilesPerThread = 100;
constexpr size_t kFileSize = 8192 + 17;  // two pages and a bit

std::string FileName(int thread, int i) { return "t" + std::to_string(thread) + "-f" + std::to_string(i); }
unsigned Seed(int thread, int i) { return static_cast<unsigned>(thread * 1000 + i); }

class ConcurrencyTest : public PosixTest {
 protected:
  // Runs body(thread) on kThreads threads and returns the summed problem count.
  int RunThreads(int (*body)(const std::string& dir, int thread)) {
    std::atomic<int> problems{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] { problems += body(dir_, t); });
    }
    for (auto& th : threads) th.join();
    return problems.load();
  }
};

// Returns the number of problems (failed calls, wrong contents).
int CreateWriteVerify(const std::string& dir, int thread) {
  int problems = 0;
  for (int i = 0; i < kFilesPerThread; ++i) {
    const std::string path = dir + "/" + FileName(thread, i);
    const std::string data = Pattern(kFileSize, Seed(thread, i));
    int fd = open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0) {
      ++problems;
      continue;
    }
    if (write(fd, data.data(), data.size()) != static_cast<ssize_t>(data.size())) ++problems;
    std::string back(kFileSize, '\0');
    if (pread(fd, back.data(), back.size(), 0) != static_cast<ssize_t>(back.size()) || back != data) ++problems;
    if (close(fd) != 0) ++problems;
  }
  return problems;
}

// Each thread makes 20 files, renames each to a new name, then unlinks the odd ones.
int RenameUnlink(const std::string& dir, int thread) {
  int problems = 0;
  for (int i = 0; i < 20; ++i) {
    const std::string from = dir + "/" + FileName(thread, i);
    int fd = open(from.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0 || write(fd, from.data(), from.size()) != static_cast<ssize_t>(from.size()) || close(fd) != 0) {
      ++problems;
    }
    if (rename(from.c_str(), (from + "-renamed").c_str()) != 0) ++problems;
    if (i % 2 == 1 && unlink((from + "-renamed").c_str()) != 0) ++problems;
  }
  return problems;
}

TEST_F(ConcurrencyTest, SixteenThreadsCreateWriteAndVerifyFilesInOneDirectory) {
  EXPECT_EQ(RunThreads(CreateWriteVerify), 0);
  std::vector<std::string> names = ListDir(dir_);
  std::set<std::string> unique(names.begin(), names.end());
  EXPECT_EQ(names.size(), static_cast<size_t>(kThreads * kFilesPerThread));
  EXPECT_EQ(unique.size(), names.size()) << "readdir repeated a name";
  int wrong = 0;
  for (int t = 0; t < kThreads; ++t) {
    for (int i = 0; i < kFilesPerThread; ++i) {
      const std::string path = Path(FileName(t, i));
      struct stat st{};
      if (!unique.count(FileName(t, i)) || stat(path.c_str(), &st) != 0 ||
          st.st_size != static_cast<off_t>(kFileSize)) {
        ++wrong;
      }
    }
  }
  EXPECT_EQ(wrong, 0);
  // Spot-check contents again through fresh opens.
  EXPECT_TRUE(ReadFile(Path(FileName(7, 42))) == Pattern(kFileSize, Seed(7, 42)));
  EXPECT_TRUE(ReadFile(Path(FileName(15, 99))) == Pattern(kFileSize, Seed(15, 99)));
}

TEST_F(ConcurrencyTest, SixteenThreadsRenameAndUnlinkInOneDirectory) {
  EXPECT_EQ(RunThreads(RenameUnlink), 0);
  std::vector<std::string> names = ListDir(dir_);
  std::set<std::string> got(names.begin(), names.end()), want;
  for (int t = 0; t < kThreads; ++t) {
    for (int i = 0; i < 20; i += 2) want.insert(FileName(t, i) + "-renamed");
  }
  EXPECT_EQ(names.size(), got.size()) << "readdir repeated a name";
  EXPECT_TRUE(got == want) << "got " << got.size() << " names, want " << want.size();
  for (const std::string& name : want) {
    struct stat st{};
    ASSERT_EQ(ErrnoOf(stat(Path(name).c_str(), &st)), 0) << name;
    EXPECT_EQ(st.st_nlink, 1u) << name;
    const std::string original = dir_ + "/" + name.substr(0, name.size() - std::string("-renamed").size());
    EXPECT_EQ(ReadFile(Path(name)), original) << name;
  }
}

}  // namespace
}  // namespace rpuffs::posix
