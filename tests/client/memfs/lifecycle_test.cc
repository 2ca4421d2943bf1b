// Inode lifetime (links, open handles, kernel lookups) and readdir offsets.
#include <set>

#include "tests/client/memfs/memfs_test_util.h"

namespace rpuffs::memfs::testing {
namespace {

class LifecycleTest : public MemFsTest {};

TEST_F(LifecycleTest, UnlinkedOpenFileLivesUntilReleaseAndReclaim) {
  for (const bool release_first : {true, false}) {
    SCOPED_TRACE(release_first ? "release, then reclaim" : "reclaim, then release");
    Reset();
    const Ino f = MakeFile(kRootIno, "f");
    ASSERT_EQ(WriteAt(f, "still here", 0), 0);
    puffs::OpenFile fi = Open(f, O_RDWR);
    ASSERT_EQ(ops_.unlink(root_, kRootIno, "f"), 0);
    EXPECT_EQ(LookupIno(kRootIno, "f"), 0u);
    EXPECT_EQ(Stat(f).st_nlink, 0u);
    std::string out;
    ASSERT_EQ(ops_.read(root_, f, 100, 0, fi, &out), 0);
    EXPECT_EQ(out, "still here");
    size_t written = 0;
    ASSERT_EQ(ops_.write(root_, f, "!", 1, 10, fi, &written), 0);
    EXPECT_GT(fs_->used_bytes(), 0u);
    if (release_first) {
      ASSERT_EQ(ops_.release(root_, f, fi), 0);
      EXPECT_TRUE(fs_->HasInode(f));  // the kernel still knows it
      ops_.reclaim(f);
    } else {
      ops_.reclaim(f);
      EXPECT_TRUE(fs_->HasInode(f));  // still open
      ASSERT_EQ(ops_.release(root_, f, fi), 0);
    }
    EXPECT_FALSE(fs_->HasInode(f));
    EXPECT_EQ(fs_->used_bytes(), 0u);
    puffs::AttrOut attr;
    EXPECT_EQ(ops_.getattr(root_, f, &attr), ENOENT);
  }
}

TEST_F(LifecycleTest, ReclaimOfLinkedInodeKeepsIt) {
  const Ino f = MakeFile(kRootIno, "f");
  ops_.reclaim(f);
  EXPECT_TRUE(fs_->HasInode(f));
  EXPECT_EQ(LookupIno(kRootIno, "f"), f);
  // Unlinking once the kernel forgot it (and nothing is open) frees it at once.
  ops_.reclaim(f);
  ASSERT_EQ(ops_.unlink(root_, kRootIno, "f"), 0);
  EXPECT_FALSE(fs_->HasInode(f));
}

TEST_F(LifecycleTest, RemovedDirectoryStaysWhileOpenAndListsNothing) {
  const Ino d = Mkdir(kRootIno, "d");
  puffs::OpenFile fi;
  ASSERT_EQ(ops_.opendir(root_, d, &fi), 0);
  ASSERT_EQ(ops_.rmdir(root_, kRootIno, "d"), 0);
  ops_.reclaim(d);
  EXPECT_TRUE(fs_->HasInode(d));
  std::vector<puffs::DirEntry> entries;
  ASSERT_EQ(ops_.readdir(root_, d, 0, false, fi, &entries), 0);
  EXPECT_TRUE(entries.empty());
  ASSERT_EQ(ops_.releasedir(root_, d, fi), 0);
  EXPECT_FALSE(fs_->HasInode(d));
}

TEST_F(LifecycleTest, ReaddirStartsWithDotsThenEntriesWithCookies) {
  const Ino d = Mkdir(kRootIno, "d");
  const Ino f = MakeFile(d, "f");
  const Ino s = Mkdir(d, "s");
  puffs::OpenFile fi;
  ASSERT_EQ(ops_.opendir(root_, d, &fi), 0);
  std::vector<puffs::DirEntry> entries;
  ASSERT_EQ(ops_.readdir(root_, d, 0, false, fi, &entries), 0);
  ASSERT_EQ(entries.size(), 4u);
  EXPECT_EQ(entries[0].name, ".");
  EXPECT_EQ(entries[0].ino, d);
  EXPECT_EQ(entries[1].name, "..");
  EXPECT_EQ(entries[1].ino, kRootIno);
  EXPECT_EQ(entries[2].name, "f");
  EXPECT_EQ(entries[2].ino, f);
  EXPECT_EQ(entries[2].type, static_cast<uint32_t>(S_IFREG));
  EXPECT_EQ(entries[3].ino, s);
  EXPECT_EQ(entries[3].type, static_cast<uint32_t>(S_IFDIR));
  for (size_t i = 1; i < entries.size(); ++i) EXPECT_GT(entries[i].offset, entries[i - 1].offset);
  // Resuming after ".." gives the rest.
  ASSERT_EQ(ops_.readdir(root_, d, entries[1].offset, false, fi, &entries), 0);
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].name, "f");
  ASSERT_EQ(ops_.releasedir(root_, d, fi), 0);
}

TEST_F(LifecycleTest, ReaddirResumesWhileEntriesComeAndGo) {
  MemFsOptions options = TestOptions();
  options.max_inodes = 5000;
  Reset(options);
  const Ino d = Mkdir(kRootIno, "d");
  for (int i = 0; i < 1000; ++i) MakeFile(d, "f" + std::to_string(i));
  puffs::OpenFile fi;
  ASSERT_EQ(ops_.opendir(root_, d, &fi), 0);
  std::vector<std::string> seen;
  uint64_t offset = 0;
  int added = 0;
  for (int round = 0; round < 2000; ++round) {
    std::vector<puffs::DirEntry> entries;
    ASSERT_EQ(ops_.readdir(root_, d, offset, false, fi, &entries), 0);
    if (entries.empty()) break;
    // Take only a few per call, as a kernel with a small buffer would.
    const size_t take = std::min<size_t>(entries.size(), 7);
    for (size_t i = 0; i < take; ++i) seen.push_back(entries[i].name);
    offset = entries[take - 1].offset;
    // Meanwhile: remove a name not listed yet, and add a new one.
    if (round < 100) {
      ASSERT_EQ(ops_.unlink(root_, d, "f" + std::to_string(999 - round)), 0);
      MakeFile(d, "new" + std::to_string(added++));
    }
  }
  ASSERT_EQ(ops_.releasedir(root_, d, fi), 0);
  const std::set<std::string> unique(seen.begin(), seen.end());
  EXPECT_EQ(unique.size(), seen.size()) << "an entry was listed twice";
  for (int i = 0; i < 900; ++i) {
    EXPECT_EQ(unique.count("f" + std::to_string(i)), 1u) << "f" << i << " was skipped";
  }
  for (int i = 900; i < 1000; ++i) EXPECT_EQ(unique.count("f" + std::to_string(i)), 0u);
}

TEST_F(LifecycleTest, ReaddirPlusHandsOutEntriesTheKernelMustForget) {
  const Ino d = Mkdir(kRootIno, "d");
  const Ino f = MakeFile(d, "f");
  ops_.reclaim(f);
  puffs::OpenFile fi;
  ASSERT_EQ(ops_.opendir(root_, d, &fi), 0);
  std::vector<puffs::DirEntry> entries;
  ASSERT_EQ(ops_.readdir(root_, d, 0, true, fi, &entries), 0);
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_FALSE(entries[0].entry.has_value());  // "."
  ASSERT_TRUE(entries[2].entry.has_value());
  EXPECT_EQ(entries[2].entry->ino, f);
  EXPECT_EQ(entries[2].entry->attr.st_ino, f);
  ASSERT_EQ(ops_.releasedir(root_, d, fi), 0);
  // f was handed out again, so unlinking keeps it until the next reclaim.
  ASSERT_EQ(ops_.unlink(root_, d, "f"), 0);
  EXPECT_TRUE(fs_->HasInode(f));
  ops_.reclaim(f);
  EXPECT_FALSE(fs_->HasInode(f));
}

}  // namespace
}  // namespace rpuffs::memfs::testing

namespace rpuffs::memfs::testing {
namespace {

TEST(MemFsOpsTableTest, FillsEveryOpButTheOnesTheKernelMaySkip) {
  MemFs fs(TestOptions());
  const puffs::Ops ops = fs.MakeOps();
  // Left out on purpose: the kernel treats their ENOSYS as success and stops sending them.
  EXPECT_FALSE(ops.flush);
  EXPECT_FALSE(ops.fsync);
  EXPECT_FALSE(ops.fsyncdir);
  const bool all_set = ops.lookup && ops.reclaim && ops.getattr && ops.setattr && ops.readlink &&
                       ops.mknod && ops.mkdir && ops.unlink && ops.rmdir && ops.symlink &&
                       ops.rename && ops.link && ops.open && ops.create && ops.read && ops.write &&
                       ops.release && ops.fallocate && ops.opendir && ops.readdir &&
                       ops.releasedir && ops.statfs && ops.setxattr && ops.getxattr &&
                       ops.listxattr && ops.removexattr;
  EXPECT_TRUE(all_set);
}

}  // namespace
}  // namespace rpuffs::memfs::testing
