// fs_bench DIR: filesystem figures through the kernel, for any directory
// (an rpuffs-memfs mount, or tmpfs for comparison).
//
// Measures, in order: creates/s (one process creating N empty files),
// stat/s (stat of each of them, several rounds), misses/s (stat of names
// that do not exist, several rounds), sequential write and read
// MB/s with 1 MiB I/O of one large file, and 4 KiB random reads/s. Reads run
// after posix_fadvise(DONTNEED) so they reach the filesystem, not the page
// cache (a "hot" re-read is printed too). Prints one `name=value` line each.
// FILE_MIB 0 skips the data figures.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

[[noreturn]] void Die(const std::string& what) {
  perror(what.c_str());
  std::exit(1);
}

struct Config {
  std::string dir;
  int files = 10000;
  int stat_rounds = 5;
  size_t file_mib = 1024;
  int random_reads = 20000;
};

void BenchCreateAndStat(const Config& cfg) {
  const std::string sub = cfg.dir + "/files";
  if (mkdir(sub.c_str(), 0755) != 0) Die("mkdir " + sub);
  std::vector<std::string> names;
  for (int i = 0; i < cfg.files; ++i) names.push_back(sub + "/f" + std::to_string(i));
  auto start = Clock::now();
  for (const std::string& name : names) {
    int fd = open(name.c_str(), O_CREAT | O_EXCL | O_WRONLY, 0644);
    if (fd < 0) Die("create " + name);
    close(fd);
  }
  printf("creates_per_s=%.0f\n", cfg.files / SecondsSince(start));
  struct stat st;
  start = Clock::now();
  for (int round = 0; round < cfg.stat_rounds; ++round) {
    for (const std::string& name : names) {
      if (stat(name.c_str(), &st) != 0) Die("stat " + name);
    }
  }
  printf("stats_per_s=%.0f\n", double(cfg.files) * cfg.stat_rounds / SecondsSince(start));
  // Names that are not there, asked for again and again (a search path).
  const int missing = std::min(cfg.files, 1000);
  start = Clock::now();
  for (int round = 0; round < cfg.stat_rounds; ++round) {
    for (int i = 0; i < missing; ++i) {
      const std::string name = sub + "/missing" + std::to_string(i);
      if (stat(name.c_str(), &st) == 0 || errno != ENOENT) Die("stat of a missing name " + name);
    }
  }
  printf("misses_per_s=%.0f\n", double(missing) * cfg.stat_rounds / SecondsSince(start));
  start = Clock::now();
  for (const std::string& name : names) {
    if (unlink(name.c_str()) != 0) Die("unlink " + name);
  }
  printf("unlinks_per_s=%.0f\n", cfg.files / SecondsSince(start));
  rmdir(sub.c_str());
}

double SequentialRead(const std::string& path, const std::vector<char>& buf_in, bool drop) {
  std::vector<char> buf(buf_in.size());
  int fd = open(path.c_str(), O_RDONLY);
  if (fd < 0) Die("open " + path);
  if (drop) posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
  const auto start = Clock::now();
  size_t total = 0;
  for (;;) {
    ssize_t n = read(fd, buf.data(), buf.size());
    if (n < 0) Die("read");
    if (n == 0) break;
    total += n;
  }
  const double secs = SecondsSince(start);
  close(fd);
  return total / secs / 1e6;
}

void BenchData(const Config& cfg) {
  const std::string path = cfg.dir + "/big";
  std::vector<char> buf(1 << 20);
  for (size_t i = 0; i < buf.size(); ++i) buf[i] = static_cast<char>(i * 7 + 1);
  int fd = open(path.c_str(), O_CREAT | O_TRUNC | O_WRONLY, 0644);
  if (fd < 0) Die("create " + path);
  auto start = Clock::now();
  for (size_t i = 0; i < cfg.file_mib; ++i) {
    if (write(fd, buf.data(), buf.size()) != static_cast<ssize_t>(buf.size())) Die("write");
  }
  if (fsync(fd) != 0) Die("fsync");
  const double write_secs = SecondsSince(start);
  close(fd);
  printf("seq_write_MBps=%.0f\n", cfg.file_mib * double(buf.size()) / write_secs / 1e6);
  printf("seq_read_MBps=%.0f\n", SequentialRead(path, buf, true));
  printf("seq_read_hot_MBps=%.0f\n", SequentialRead(path, buf, false));

  fd = open(path.c_str(), O_RDONLY);
  if (fd < 0) Die("open " + path);
  posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
  posix_fadvise(fd, 0, 0, POSIX_FADV_RANDOM);
  std::mt19937_64 rng(42);
  const uint64_t blocks = cfg.file_mib * 256;
  start = Clock::now();
  for (int i = 0; i < cfg.random_reads; ++i) {
    const off_t off = static_cast<off_t>(rng() % blocks) * 4096;
    if (pread(fd, buf.data(), 4096, off) != 4096) Die("pread");
  }
  printf("rand_read_4k_per_s=%.0f\n", cfg.random_reads / SecondsSince(start));
  close(fd);
  unlink(path.c_str());
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || std::string(argv[1]) == "--help") {
    fprintf(stderr, "usage: fs_bench DIR [FILES [FILE_MIB]]\n");
    return argc < 2 ? 2 : 0;
  }
  Config cfg;
  cfg.dir = argv[1];
  if (argc > 2) cfg.files = std::atoi(argv[2]);
  if (argc > 3) cfg.file_mib = std::strtoul(argv[3], nullptr, 10);
  BenchCreateAndStat(cfg);
  if (cfg.file_mib > 0) BenchData(cfg);
  return 0;
}
