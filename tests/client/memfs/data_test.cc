// File contents: sparse files, truncate, append, fallocate, st_blocks, ENOSPC, statfs.
#include <linux/falloc.h>
#include <sys/statvfs.h>

#include "tests/client/memfs/memfs_test_util.h"

namespace rpuffs::memfs::testing {
namespace {

class DataTest : public MemFsTest {};

TEST_F(DataTest, WriteThenReadBackAndShortReadAtEnd) {
  const Ino f = MakeFile(kRootIno, "f");
  ASSERT_EQ(WriteAt(f, "hello world", 0), 0);
  EXPECT_EQ(ReadAt(f, 5, 6), "world");
  EXPECT_EQ(ReadAt(f, 100, 6), "world");
  EXPECT_EQ(ReadAt(f, 100, 11), "");
  EXPECT_EQ(ReadAt(f, 100, 5000), "");
  EXPECT_EQ(Stat(f).st_size, 11);
}

TEST_F(DataTest, SparseTerabyteFileCostsNoBlocks) {
  const Ino f = MakeFile(kRootIno, "sparse");
  const off_t tib = off_t{1} << 40;
  ASSERT_EQ(Truncate(f, tib), 0);
  struct stat st = Stat(f);
  EXPECT_EQ(st.st_size, tib);
  EXPECT_EQ(st.st_blocks, 0);
  EXPECT_EQ(ReadAt(f, 4096, tib / 2), std::string(4096, '\0'));
  ASSERT_EQ(WriteAt(f, "end", tib - 3), 0);
  EXPECT_EQ(ReadAt(f, 10, tib - 5), std::string(2, '\0') + "end");
  st = Stat(f);
  EXPECT_EQ(st.st_size, tib);
  // Data is kept from a 64 KiB chunk's start: a write at a chunk's end costs the chunk.
  EXPECT_EQ(st.st_blocks, 65536 / 512);
  ASSERT_EQ(WriteAt(f, "mid", tib / 2), 0);
  EXPECT_EQ(Stat(f).st_blocks, (65536 + 4096) / 512);
  EXPECT_EQ(fs_->used_bytes(), 65536u + 4096u);
}

TEST_F(DataTest, WriteBeyondEndLeavesZeroFilledHole) {
  const Ino f = MakeFile(kRootIno, "f");
  ASSERT_EQ(WriteAt(f, "ab", 0), 0);
  ASSERT_EQ(WriteAt(f, "yz", 200000), 0);
  EXPECT_EQ(ReadAt(f, 6, 199998), std::string(2, '\0') + "yz");
  EXPECT_EQ(ReadAt(f, 3, 0), std::string("ab") + '\0');
  EXPECT_EQ(Stat(f).st_size, 200002);
}

TEST_F(DataTest, TruncateDownThenUpReadsZeros) {
  const Ino f = MakeFile(kRootIno, "f");
  ASSERT_EQ(WriteAt(f, std::string(100000, 'q'), 0), 0);
  ASSERT_EQ(Truncate(f, 10), 0);
  EXPECT_EQ(Stat(f).st_size, 10);
  ASSERT_EQ(Truncate(f, 100000), 0);
  EXPECT_EQ(ReadAt(f, 4, 8), std::string("qq") + std::string(2, '\0'));
  EXPECT_EQ(ReadAt(f, 10, 70000), std::string(10, '\0'));
  EXPECT_EQ(Stat(f).st_blocks, 4096 / 512);
}

TEST_F(DataTest, TruncateRulesByType) {
  const Ino d = Mkdir(kRootIno, "d");
  puffs::Entry e;
  ASSERT_EQ(ops_.mknod(root_, kRootIno, "fifo", S_IFIFO | 0644, 0, &e), 0);
  EXPECT_EQ(Truncate(d, 0), EISDIR);
  EXPECT_EQ(Truncate(e.ino, 0), EINVAL);
  const Ino f = MakeFile(kRootIno, "f");
  EXPECT_EQ(Truncate(f, -1), EINVAL);
  EXPECT_EQ(Truncate(f, off_t{1} << 60), EFBIG);
}

TEST_F(DataTest, AppendHandleWritesAtEnd) {
  const Ino f = MakeFile(kRootIno, "log");
  ASSERT_EQ(WriteAt(f, "first,", 0), 0);
  puffs::OpenFile fi = Open(f, O_WRONLY | O_APPEND);
  size_t written = 0;
  ASSERT_EQ(ops_.write(root_, f, "second", 6, 0, fi, &written), 0);
  EXPECT_EQ(written, 6u);
  Close(f, fi);
  EXPECT_EQ(ReadAt(f, 100, 0), "first,second");
}

// With the kernel's writeback cache the kernel computes append offsets and
// writes back pages at them: memfs must take the offset as given.
TEST_F(DataTest, WritebackCacheWritesAtTheKernelsOffsetEvenForAppend) {
  const Ino f = MakeFile(kRootIno, "f");
  ASSERT_EQ(WriteAt(f, "first,", 0), 0);
  puffs::OpenFile fi = Open(f, O_WRONLY | O_APPEND);
  fi.writeback_cache = true;
  size_t written = 0;
  ASSERT_EQ(ops_.write(root_, f, "FIRST", 5, 0, fi, &written), 0);
  EXPECT_EQ(written, 5u);
  Close(f, fi);
  EXPECT_EQ(ReadAt(f, 100, 0), "FIRST,");
}

TEST_F(DataTest, OpenWithTruncEmptiesTheFile) {
  const Ino f = MakeFile(kRootIno, "f");
  ASSERT_EQ(WriteAt(f, "data", 0), 0);
  puffs::OpenFile fi = Open(f, O_WRONLY | O_TRUNC);
  EXPECT_TRUE(fi.keep_cache);
  Close(f, fi);
  EXPECT_EQ(Stat(f).st_size, 0);
  EXPECT_EQ(fs_->used_bytes(), 0u);
}

TEST_F(DataTest, FallocateModes) {
  struct Case {
    const char* what;
    int mode;
    off_t offset, length;
    int want;
    off_t want_size;     // file starts as 10,000 bytes of 'x'
    blkcnt_t want_blocks;
    std::string probe;   // 4 bytes read at 5000
  };
  const std::string xs(4, 'x');
  const std::string zeros(4, '\0');
  const Case cases[] = {
      {"mode 0 extends", 0, 0, 100000, 0, 100000, 200, xs},
      {"keep size", FALLOC_FL_KEEP_SIZE, 0, 100000, 0, 10000, 200, xs},
      {"punch hole", FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 4000, 2000, 0, 10000, 24, zeros},
      {"punch without keep size", FALLOC_FL_PUNCH_HOLE, 0, 10, EOPNOTSUPP, 10000, 24, xs},
      {"zero range", FALLOC_FL_ZERO_RANGE, 0, 10, EOPNOTSUPP, 10000, 24, xs},
      {"collapse range", FALLOC_FL_COLLAPSE_RANGE, 0, 4096, EOPNOTSUPP, 10000, 24, xs},
      {"zero length", 0, 0, 0, EINVAL, 10000, 24, xs},
      {"negative offset", 0, -1, 10, EINVAL, 10000, 24, xs},
      {"beyond capacity", 0, 0, off_t{1} << 30, ENOSPC, 10000, 24, xs},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.what);
    Reset();
    const Ino f = MakeFile(kRootIno, "f");
    ASSERT_EQ(WriteAt(f, std::string(10000, 'x'), 0), 0);
    puffs::OpenFile fi = Open(f, O_RDWR);
    EXPECT_EQ(ops_.fallocate(root_, f, c.mode, c.offset, c.length, fi), c.want);
    Close(f, fi);
    const struct stat st = Stat(f);
    EXPECT_EQ(st.st_size, c.want_size);
    EXPECT_EQ(st.st_blocks, c.want_blocks);
    EXPECT_EQ(ReadAt(f, 4, 5000), c.probe);
  }
}

TEST_F(DataTest, WritesBeyondCapacityFailWithENOSPC) {
  MemFsOptions options = TestOptions();
  options.capacity_bytes = 256 * 1024;
  Reset(options);
  const Ino f = MakeFile(kRootIno, "f");
  ASSERT_EQ(WriteAt(f, std::string(200 * 1024, 'a'), 0), 0);
  EXPECT_EQ(WriteAt(f, std::string(100 * 1024, 'b'), 200 * 1024), ENOSPC);
  // Overwriting allocated bytes needs no new space.
  EXPECT_EQ(WriteAt(f, std::string(100 * 1024, 'c'), 0), 0);
  struct statvfs sv;
  ASSERT_EQ(ops_.statfs(root_, kRootIno, &sv), 0);
  EXPECT_EQ(sv.f_blocks, 64u);
  EXPECT_EQ(sv.f_bfree, 64u - 50u);
}

TEST_F(DataTest, StatfsCountsInodesAndBlocks) {
  struct statvfs before, after;
  ASSERT_EQ(ops_.statfs(root_, kRootIno, &before), 0);
  EXPECT_EQ(before.f_bsize, 4096u);
  EXPECT_EQ(before.f_namemax, 255u);
  EXPECT_EQ(before.f_blocks, (64u << 20) / 4096);
  EXPECT_EQ(before.f_files - before.f_ffree, 1u);  // the root
  const Ino f = MakeFile(kRootIno, "f");
  ASSERT_EQ(WriteAt(f, std::string(8192, 'z'), 0), 0);
  ASSERT_EQ(ops_.statfs(root_, kRootIno, &after), 0);
  EXPECT_EQ(before.f_bfree - after.f_bfree, 2u);
  EXPECT_EQ(before.f_ffree - after.f_ffree, 1u);
}

TEST_F(DataTest, ReadAndWriteOnNonFilesAreRefused) {
  const Ino d = Mkdir(kRootIno, "d");
  puffs::OpenFile fi;
  std::string out;
  size_t written = 0;
  EXPECT_EQ(ops_.read(root_, d, 10, 0, fi, &out), EISDIR);
  EXPECT_EQ(ops_.write(root_, d, "x", 1, 0, fi, &written), EISDIR);
  fi.flags = O_WRONLY;
  EXPECT_EQ(ops_.open(root_, d, &fi), EISDIR);
}

TEST_F(DataTest, TimesHaveNanosecondsAndMoveOnWrite) {
  const Ino f = MakeFile(kRootIno, "f");
  struct stat old {};
  old.st_atim = {2000, 123456789};
  old.st_mtim = {3000, 987654321};
  ASSERT_EQ(SetAttr(root_, f, FUSE_SET_ATTR_ATIME | FUSE_SET_ATTR_MTIME, old), 0);
  struct stat st = Stat(f);
  EXPECT_EQ(st.st_atim.tv_nsec, 123456789);
  EXPECT_EQ(st.st_mtim.tv_sec, 3000);
  EXPECT_EQ(st.st_mtim.tv_nsec, 987654321);
  ASSERT_EQ(WriteAt(f, "x", 0), 0);
  st = Stat(f);
  EXPECT_GT(st.st_mtim.tv_sec, 3000);
  EXPECT_EQ(st.st_mtim.tv_sec, st.st_ctim.tv_sec);
  EXPECT_EQ(st.st_mtim.tv_nsec, st.st_ctim.tv_nsec);
}

}  // namespace
}  // namespace rpuffs::memfs::testing
