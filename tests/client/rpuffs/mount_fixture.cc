#include "tests/client/rpuffs/mount_fixture.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <random>

namespace rpuffs::testing {

void RpuffsMountTest::SetUp() {
  server_ = std::make_unique<RpuffsdProcess>();
  dir_ = std::make_unique<TempDir>("rpuffs-mount");
}

void RpuffsMountTest::TearDown() {
  guards_.clear();  // unmount first: the daemons then exit
  server_.reset();
  dir_.reset();
}

std::string RpuffsMountTest::NewMountPoint(const std::string& name) {
  std::string path = dir_->Sub(name);
  mkdir(path.c_str(), 0755);
  guards_.push_back(std::make_unique<MountGuard>(path));
  return path;
}

int RpuffsMountTest::MountDaemon(const std::string& dir, const std::vector<std::string>& options,
                                 std::string* out, const std::string& source) {
  std::vector<std::string> argv = {RpuffsBinary(),
                                   source.empty() ? server_->address() + "/default" : source, dir};
  for (const auto& o : options) {
    argv.push_back("-o");
    argv.push_back(o);
  }
  return RunCommand(argv, out, std::chrono::seconds(30));
}

std::string RpuffsMountTest::MountOrFail(const std::string& name,
                                         const std::vector<std::string>& options) {
  std::string dir = NewMountPoint(name);
  std::string out;
  int status = MountDaemon(dir, options, &out);
  EXPECT_EQ(status, 0) << out;
  EXPECT_TRUE(IsFuseMounted(dir));
  return dir;
}

std::unique_ptr<Subprocess> RpuffsMountTest::MountForeground(const std::string& dir,
                                                             const std::vector<std::string>& args) {
  std::vector<std::string> argv{RpuffsBinary(), server_->address(), dir, "-f"};
  argv.insert(argv.end(), args.begin(), args.end());
  auto p = std::make_unique<Subprocess>(argv);
  bool up = WaitUntil([&] { return IsFuseMounted(dir) || !p->running(); }, std::chrono::seconds(20));
  EXPECT_TRUE(up && IsFuseMounted(dir)) << p->Output();
  return p;
}

bool WriteFile(const std::string& path, const std::string& data, bool fsync_it) {
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) return false;
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = write(fd, data.data() + done, data.size() - done);
    if (n <= 0) {
      close(fd);
      return false;
    }
    done += static_cast<size_t>(n);
  }
  bool ok = !fsync_it || fsync(fd) == 0;
  return close(fd) == 0 && ok;
}

bool ReadFile(const std::string& path, std::string* data) {
  int fd = open(path.c_str(), O_RDONLY);
  if (fd < 0) return false;
  data->clear();
  char buf[1 << 16];
  ssize_t n;
  while ((n = read(fd, buf, sizeof buf)) > 0) data->append(buf, static_cast<size_t>(n));
  close(fd);
  return n == 0;
}

void DropCache(const std::string& path) {
  int fd = open(path.c_str(), O_RDONLY);
  if (fd < 0) return;
  posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
  close(fd);
}

std::string RandomBytes(size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::string s(n, '\0');
  for (auto& c : s) c = static_cast<char>(rng());
  return s;
}

bool Exists(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0;
}

bool Missing(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) != 0 && errno == ENOENT;
}

std::set<std::string> List(const std::string& dir) {
  std::set<std::string> names;
  DIR* d = opendir(dir.c_str());
  if (d == nullptr) return names;
  while (dirent* e = readdir(d)) {
    std::string n = e->d_name;
    if (n != "." && n != "..") names.insert(n);
  }
  closedir(d);
  return names;
}

}  // namespace rpuffs::testing
