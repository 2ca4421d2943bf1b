// Read-around on a real mount (client/rpuffs/read_around.h): a small READ
// brings its aligned block into the page cache, and the page cache never
// shows older data than this mount wrote or close-to-open promises: random
// reads match a local copy before and after another mount rewrites the
// file, own writes and size changes are never hidden by a late store, and
// nothing lands past the end of file. The Read calls are counted from the
// daemon's -d log (`event=rpc method=Read`).
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <csetjmp>
#include <csignal>
#include <random>
#include <sstream>
#include <thread>
#include <vector>

#include "tests/client/rpuffs/mount_fixture.h"

namespace rpuffs::testing {
namespace {

constexpr size_t kPage = 4096;
constexpr size_t kBlock = 64 << 10;  // the default granularity
constexpr auto kPrompt = std::chrono::seconds(20);

class ReadAroundTest : public RpuffsMountTest {
 protected:
  // Mount "a" (writes files) and "b" (reads them), b with `b_options`.
  void MountBoth(const std::vector<std::string>& b_options = {}) {
    a_ = MountOrFail("a");
    b_ = MountOrFail("b", b_options);
  }
  // `dir` mounted in the foreground with -d (its log counts the calls) and
  // `args`, once its watch runs.
  std::unique_ptr<Subprocess> MountLogged(const std::string& dir, std::vector<std::string> args = {}) {
    args.insert(args.begin(), "-d");
    auto daemon = MountForeground(dir, args);
    EXPECT_TRUE(WaitUntil(
        [&] { return daemon->Output().find("event=watch watching=true") != std::string::npos; }, kPrompt));
    return daemon;
  }
  std::string a_, b_;
};

bool PwriteAll(int fd, const std::string& data, off_t off) {
  return pwrite(fd, data.data(), data.size(), off) == static_cast<ssize_t>(data.size());
}

std::string Pread(int fd, size_t size, off_t off) {
  std::string buf(size, '\0');
  ssize_t n = pread(fd, buf.data(), size, off);
  buf.resize(n < 0 ? 0 : static_cast<size_t>(n));
  return buf;
}

// The local copy's bytes [off, off+size), as a read would return them.
std::string Slice(const std::string& local, size_t off, size_t size) {
  return off >= local.size() ? std::string() : local.substr(off, size);
}

// `count` random page-aligned 4 KiB reads of `path` compared with `local`;
// returns how many differed (reads past the end must return nothing).
int RandomReadMismatches(const std::string& path, const std::string& local, int count, unsigned seed) {
  int fd = open(path.c_str(), O_RDONLY);
  if (fd < 0) return count;
  posix_fadvise(fd, 0, 0, POSIX_FADV_RANDOM);  // one READ per miss: the kernel's own read-ahead off
  std::mt19937 rng(seed);
  size_t pages = local.size() / kPage + 2;
  int bad = 0;
  for (int i = 0; i < count; ++i) {
    size_t off = (rng() % pages) * kPage;
    if (Pread(fd, kPage, static_cast<off_t>(off)) != Slice(local, off, kPage)) ++bad;
  }
  close(fd);
  return bad;
}

// How many pages of [off, off+len) of `fd` are in the page cache.
int ResidentPages(int fd, off_t off, size_t len) {
  void* map = mmap(nullptr, len, PROT_READ, MAP_SHARED, fd, off);
  if (map == MAP_FAILED) return -1;
  std::vector<unsigned char> vec(len / kPage);
  int resident = -1;
  if (mincore(map, len, vec.data()) == 0) {
    resident = 0;
    for (unsigned char v : vec) resident += v & 1;
  }
  munmap(map, len);
  return resident;
}

// Read calls the daemon logged for inode `ino`.
int ReadRpcs(const Subprocess& daemon, ino_t ino) {
  std::istringstream lines(daemon.Output());
  std::string line, id = "event=rpc method=Read ino=" + std::to_string(ino) + " ";
  int n = 0;
  while (std::getline(lines, line)) n += line.find(id) != std::string::npos;
  return n;
}

// Makes the daemon log a marker call and waits for it: every line logged
// before it is then in the output.
bool SyncLog(const Subprocess& daemon, const std::string& path, const std::string& tag) {
  char buf[8];
  getxattr(path.c_str(), ("user.sync-" + tag).c_str(), buf, sizeof buf);  // ENODATA, from the server
  return WaitUntil([&] { return daemon.Output().find("name=user.sync-" + tag) != std::string::npos; },
                   kPrompt);
}

TEST_F(ReadAroundTest, RandomReadsMatchAnotherMountsFileBeforeAndAfterItsRewrite) {
  MountBoth();
  std::string local = RandomBytes(1 << 20 | 1000, 1);
  ASSERT_TRUE(WriteFile(a_ + "/f", local, true));
  EXPECT_EQ(RandomReadMismatches(b_ + "/f", local, 600, 2), 0);
  // b keeps f open (its cache stays) while a rewrites parts of it and closes.
  int keep = open((b_ + "/f").c_str(), O_RDONLY);
  ASSERT_GE(keep, 0);
  int fd = open((a_ + "/f").c_str(), O_WRONLY);
  ASSERT_GE(fd, 0);
  std::mt19937 rng(3);
  for (int i = 0; i < 40; ++i) {
    size_t off = rng() % local.size();
    std::string patch = RandomBytes(1 + rng() % 9000, 100 + i);
    patch.resize(std::min(patch.size(), local.size() - off));
    ASSERT_TRUE(PwriteAll(fd, patch, static_cast<off_t>(off)));
    local.replace(off, patch.size(), patch);
  }
  ASSERT_EQ(close(fd), 0);
  // Close-to-open: b's next open sees all of it, at every offset.
  EXPECT_EQ(RandomReadMismatches(b_ + "/f", local, 600, 4), 0);
  std::string all;
  ASSERT_TRUE(ReadFile(b_ + "/f", &all));
  EXPECT_TRUE(all == local);
  close(keep);
}

TEST_F(ReadAroundTest, OwnWritesAreNeverHiddenByAStore) {
  MountBoth();
  std::string local = RandomBytes(2 * kBlock, 5);
  ASSERT_TRUE(WriteFile(a_ + "/f", local, true));
  std::string path = b_ + "/f";
  // A reader keeps missing random pages of the same two blocks (so stores
  // keep being queued) while this thread opens, writes, reads back, closes.
  std::atomic<bool> stop{false};
  std::thread reader([&] {
    int fd = open(path.c_str(), O_RDONLY);
    if (fd < 0) return;
    std::mt19937 rng(6);
    for (int i = 0; i < 1000000 && !stop; ++i) {
      posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);  // clean pages only: a miss again
      Pread(fd, kPage, static_cast<off_t>((rng() % (local.size() / kPage)) * kPage));
    }
    close(fd);
  });
  std::mt19937 rng(7);
  int bad = 0;
  for (int i = 0; i < 300; ++i) {
    size_t off = rng() % (local.size() - 3000);
    std::string patch = RandomBytes(1 + rng() % 3000, 200 + i);
    int fd = open(path.c_str(), O_RDWR);
    ASSERT_GE(fd, 0);
    ASSERT_TRUE(PwriteAll(fd, patch, static_cast<off_t>(off)));
    local.replace(off, patch.size(), patch);
    bad += Pread(fd, local.size(), 0) != local;
    ASSERT_EQ(close(fd), 0);
    // Read back through a read-only descriptor too.
    int ro = open(path.c_str(), O_RDONLY);
    ASSERT_GE(ro, 0);
    bad += Pread(ro, local.size(), 0) != local;
    close(ro);
  }
  stop = true;
  reader.join();
  EXPECT_EQ(bad, 0);
  std::string all;
  ASSERT_TRUE(ReadFile(a_ + "/f", &all));  // another mount sees the same bytes
  EXPECT_TRUE(all == local);
}

// Deterministic: a read whose reply comes back after this mount wrote into
// its block (the server held both calls) must not put its older bytes over
// the written page.
TEST_F(ReadAroundTest, ReadCrossingAWriteStoresNothingOverIt) {
  std::string a = MountOrFail("a");
  std::string local = RandomBytes(2 * kBlock, 20);
  ASSERT_TRUE(WriteFile(a + "/f", local, true));
  std::string b = NewMountPoint("b");
  auto daemon = MountForeground(b, {"-d"});
  std::string path = b + "/f";
  int ro = open(path.c_str(), O_RDONLY);
  int rw = open(path.c_str(), O_RDWR);
  ASSERT_GE(ro, 0);
  ASSERT_GE(rw, 0);
  posix_fadvise(ro, 0, 0, POSIX_FADV_RANDOM);
  server_->Signal(SIGSTOP);
  std::string first;
  std::thread reader([&] { first = Pread(ro, kPage, 0); });
  bool sent = WaitUntil([&] { return daemon->Output().find("event=rpc method=Read ") != std::string::npos; },
                        kPrompt);
  std::string page = RandomBytes(kPage, 21);
  bool wrote = PwriteAll(rw, page, kPage);  // write-behind: answered while the server sleeps
  server_->Signal(SIGCONT);
  reader.join();
  ASSERT_TRUE(sent) << daemon->Output();
  ASSERT_TRUE(wrote);
  EXPECT_EQ(first, local.substr(0, kPage));
  // A store would land within microseconds (nothing here can wait for one
  // without an open or a read's attribute check dropping the page cache):
  // through a mapping (no attribute check) the page must stay ours.
  void* map = mmap(nullptr, 2 * kPage, PROT_READ, MAP_SHARED, ro, 0);
  ASSERT_NE(map, MAP_FAILED);
  const char* mapped = static_cast<const char*>(map) + kPage;
  bool overwritten = WaitUntil([&] { return memcmp(mapped, page.data(), kPage) != 0; },
                               std::chrono::milliseconds(300));
  munmap(map, 2 * kPage);
  EXPECT_FALSE(overwritten);
  EXPECT_TRUE(Pread(ro, kPage, kPage) == page);
  close(rw);
  close(ro);
}

// Several readers miss pages of the same blocks at once: each store leaves
// out the pages of the READs still in flight, and every byte read is right.
TEST_F(ReadAroundTest, ConcurrentReadersOfTheSameBlocksReadRight) {
  MountBoth();
  std::string local = RandomBytes(4 * kBlock + 3000, 22);
  ASSERT_TRUE(WriteFile(a_ + "/f", local, true));
  std::string path = b_ + "/f";
  std::atomic<int> bad{0};
  std::vector<std::thread> readers;
  for (unsigned t = 0; t < 4; ++t) {
    readers.emplace_back([&, t] {
      int fd = open(path.c_str(), O_RDONLY);
      if (fd < 0) {
        ++bad;
        return;
      }
      posix_fadvise(fd, 0, 0, POSIX_FADV_RANDOM);
      std::mt19937 rng(30 + t);
      for (int i = 0; i < 1500; ++i) {
        if (i % 50 == 0) posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
        size_t off = (rng() % (local.size() / kPage + 1)) * kPage;
        bad += Pread(fd, kPage, static_cast<off_t>(off)) != Slice(local, off, kPage);
      }
      close(fd);
    });
  }
  for (auto& r : readers) r.join();
  EXPECT_EQ(bad.load(), 0);
}

TEST_F(ReadAroundTest, TruncateAndExtendAfterRandomReads) {
  MountBoth();
  std::string local = RandomBytes(6 * kBlock + 777, 8);
  ASSERT_TRUE(WriteFile(a_ + "/f", local, true));
  std::string path = b_ + "/f";
  EXPECT_EQ(RandomReadMismatches(path, local, 300, 9), 0);
  // truncate(2): a size change with no open descriptor, in the middle of a block.
  size_t cut = 2 * kBlock + 5000;
  ASSERT_EQ(truncate(path.c_str(), static_cast<off_t>(cut)), 0);
  local.resize(cut);
  struct stat st {};
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  EXPECT_EQ(static_cast<size_t>(st.st_size), cut);
  EXPECT_EQ(RandomReadMismatches(path, local, 300, 10), 0);
  // Extended again: zeros, not the old bytes.
  ASSERT_EQ(truncate(path.c_str(), static_cast<off_t>(5 * kBlock)), 0);
  local.resize(5 * kBlock, '\0');
  EXPECT_EQ(RandomReadMismatches(path, local, 300, 11), 0);
  // ftruncate and a write past the end through a descriptor.
  int fd = open(path.c_str(), O_RDWR);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(ftruncate(fd, static_cast<off_t>(kBlock + 100)), 0);
  local.resize(kBlock + 100);
  std::string tail = RandomBytes(3000, 12);
  ASSERT_TRUE(PwriteAll(fd, tail, static_cast<off_t>(3 * kBlock)));
  local.resize(3 * kBlock, '\0');
  local += tail;
  ASSERT_EQ(close(fd), 0);
  EXPECT_EQ(RandomReadMismatches(path, local, 300, 13), 0);
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  EXPECT_EQ(static_cast<size_t>(st.st_size), local.size());
  std::string all;
  ASSERT_TRUE(ReadFile(a_ + "/f", &all));
  EXPECT_TRUE(all == local);
}

// This mount's own append carries no attributes back, so the size it knows
// is older than the kernel's: an mmap fault (which asks for no attributes
// first) past that size must still get all it asked for. A short reply
// would make the kernel cut the file there, and the read would be SIGBUS.
TEST_F(ReadAroundTest, MmapReadPastAnOwnAppendGetsItsBytes) {
  MountBoth();
  std::string path = b_ + "/grown";
  std::string local = RandomBytes(100 * 1024, 21);
  ASSERT_TRUE(WriteFile(path, local.substr(0, 10 * 1024), false));
  struct stat st {};
  ASSERT_EQ(stat(path.c_str(), &st), 0);  // the mount learns 10 KiB
  ASSERT_EQ(st.st_size, 10 * 1024);
  int fd = open(path.c_str(), O_WRONLY | O_APPEND);
  ASSERT_GE(fd, 0);
  ASSERT_TRUE(PwriteAll(fd, local.substr(10 * 1024), 0));  // O_APPEND: at the end
  ASSERT_EQ(close(fd), 0);
  fd = open(path.c_str(), O_RDONLY);
  ASSERT_GE(fd, 0);
  void* map = mmap(nullptr, local.size(), PROT_READ, MAP_SHARED, fd, 0);
  ASSERT_NE(map, MAP_FAILED);
  madvise(map, local.size(), MADV_RANDOM);  // one READ per fault
  const char* bytes = static_cast<const char*>(map);
  // Fault at 12 KiB + 1 (in the first 64 KiB block, past the known size).
  // A SIGBUS fails the test instead of killing it (which would leave the
  // mounts behind).
  std::string got;
  static sigjmp_buf on_bus;
  struct sigaction bus {}, saved {};
  bus.sa_handler = [](int) { siglongjmp(on_bus, 1); };
  sigaction(SIGBUS, &bus, &saved);
  if (sigsetjmp(on_bus, 1) == 0) {
    got.push_back(bytes[12 * 1024 + 1]);
    got.append(bytes + 60 * 1024, 8 * 1024);
  } else {
    ADD_FAILURE() << "SIGBUS reading the mapping";
  }
  sigaction(SIGBUS, &saved, nullptr);
  EXPECT_TRUE(got == local.substr(12 * 1024 + 1, 1) + local.substr(60 * 1024, 8 * 1024));
  munmap(map, local.size());
  ASSERT_EQ(fstat(fd, &st), 0);
  EXPECT_EQ(static_cast<size_t>(st.st_size), local.size());
  close(fd);
}

TEST_F(ReadAroundTest, NothingIsStoredPastTheEndOfFile) {
  MountBoth();
  size_t size = 3 * kBlock + 5 * kPage + 1234;  // the last block: 5 pages and a piece
  std::string local = RandomBytes(size, 14);
  ASSERT_TRUE(WriteFile(a_ + "/f", local, true));
  std::string path = b_ + "/f";
  int fd = open(path.c_str(), O_RDONLY);
  ASSERT_GE(fd, 0);
  posix_fadvise(fd, 0, 0, POSIX_FADV_RANDOM);
  // The first page of the last block: the block's stored rest ends at EOF.
  EXPECT_EQ(Pread(fd, kPage, 3 * kBlock), Slice(local, 3 * kBlock, kPage));
  ASSERT_TRUE(WaitUntil([&] { return ResidentPages(fd, 3 * kBlock, kBlock) == 6; }, kPrompt))
      << ResidentPages(fd, 3 * kBlock, kBlock);
  struct stat st {};
  ASSERT_EQ(fstat(fd, &st), 0);
  EXPECT_EQ(static_cast<size_t>(st.st_size), size);
  EXPECT_EQ(Pread(fd, kPage, static_cast<off_t>(size / kPage * kPage)), local.substr(size / kPage * kPage));
  EXPECT_EQ(Pread(fd, kPage, static_cast<off_t>(size)), "");
  EXPECT_EQ(Pread(fd, 100, static_cast<off_t>(size - 10)), local.substr(size - 10));
  close(fd);
  EXPECT_EQ(RandomReadMismatches(path, local, 200, 15), 0);
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  EXPECT_EQ(static_cast<size_t>(st.st_size), size);
}

// 32 random 4 KiB reads (16 pages, each twice) within one 64 KiB block, the
// kernel's read-ahead off: with readaround=0 one call per page; by default
// one call, once the block is in the page cache.
int CallsForRandomReadsInOneBlock(const std::string& b, Subprocess& daemon,
                                  const std::string& a_file, const std::string& tag) {
  std::string local = RandomBytes(4 * kBlock, 16);
  if (!WriteFile(a_file, local, true)) return -1;
  std::string path = b + "/f";
  int fd = open(path.c_str(), O_RDONLY);
  if (fd < 0) return -1;
  posix_fadvise(fd, 0, 0, POSIX_FADV_RANDOM);
  struct stat st {};
  fstat(fd, &st);
  std::vector<size_t> pages;
  for (size_t p = 0; p < kBlock / kPage; ++p) pages.push_back(p);
  std::mt19937 rng(17);
  std::shuffle(pages.begin(), pages.end(), rng);
  int bad = 0;
  off_t base = static_cast<off_t>(kBlock);
  bad += Pread(fd, kPage, base + static_cast<off_t>(pages[0] * kPage)) != Slice(local, kBlock + pages[0] * kPage, kPage);
  // Stores are asynchronous: wait until they are in, so the count does not depend on timing.
  if (tag.rfind("default", 0) == 0) WaitUntil([&] { return ResidentPages(fd, base, kBlock) == 16; }, kPrompt);
  for (int round = 0; round < 2; ++round) {
    for (size_t p : pages) {
      size_t off = kBlock + p * kPage;
      bad += Pread(fd, kPage, static_cast<off_t>(off)) != Slice(local, off, kPage);
    }
    std::shuffle(pages.begin(), pages.end(), rng);
  }
  close(fd);
  EXPECT_EQ(bad, 0);
  if (!SyncLog(daemon, path, tag)) return -1;
  return ReadRpcs(daemon, st.st_ino);
}

TEST_F(ReadAroundTest, ReadAroundZeroSendsOneCallPerMissedPage) {
  std::string a = MountOrFail("a");
  std::string b = NewMountPoint("b");
  auto daemon = MountLogged(b, {"-o", "readaround=0"});
  EXPECT_EQ(CallsForRandomReadsInOneBlock(b, *daemon, a + "/f", "zero"), 16) << daemon->Output();
}

TEST_F(ReadAroundTest, DefaultSendsOneCallForRandomReadsInOneBlock) {
  std::string a = MountOrFail("a");
  std::string b = NewMountPoint("b");
  auto daemon = MountLogged(b);
  EXPECT_EQ(CallsForRandomReadsInOneBlock(b, *daemon, a + "/f", "default"), 1) << daemon->Output();
}

// open(O_RDONLY|O_TRUNC) counts as a writer while open; its release (whose
// flags no longer carry O_TRUNC) must end it, or read-around would stay
// off for that file until unmount.
TEST_F(ReadAroundTest, TruncatingReadOnlyOpenEndsItsWriterAtClose) {
  std::string a = MountOrFail("a");
  std::string b = NewMountPoint("b");
  auto daemon = MountLogged(b);
  ASSERT_TRUE(WriteFile(a + "/f", "old", true));
  int fd = open((b + "/f").c_str(), O_RDONLY | O_TRUNC);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(close(fd), 0);
  EXPECT_EQ(CallsForRandomReadsInOneBlock(b, *daemon, a + "/f", "default-trunc"), 1) << daemon->Output();
}

TEST_F(ReadAroundTest, BadReadAroundValueIsRefused) {
  for (const char* bad : {"readaround=3000", "readaround=2M", "readaround=", "readaround=64Q"}) {
    std::string dir = NewMountPoint(std::string("bad") + std::to_string(guards_.size()));
    std::string out;
    EXPECT_NE(MountDaemon(dir, {bad}, &out), 0) << bad;
    EXPECT_NE(out.find("readaround"), std::string::npos) << out;
    EXPECT_FALSE(IsFuseMounted(dir));
  }
}

TEST_F(ReadAroundTest, SixteenKiBGranularityReadsRight) {
  MountBoth({"readaround=16K"});
  std::string local = RandomBytes(20 * kBlock + 99, 18);
  ASSERT_TRUE(WriteFile(a_ + "/f", local, true));
  EXPECT_EQ(RandomReadMismatches(b_ + "/f", local, 500, 19), 0);
}

}  // namespace
}  // namespace rpuffs::testing
