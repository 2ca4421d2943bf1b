// Rename: plain, RENAME_NOREPLACE, RENAME_EXCHANGE — errnos and what moves where.
#include <stdio.h>

#include "tests/client/memfs/memfs_test_util.h"

namespace rpuffs::memfs::testing {
namespace {

class RenameTest : public MemFsTest {
 public:
  // /a/inner/deep, /a/file, /b (empty), /c/x (non-empty), /file, /file2
  void SetUp() override { BuildTree(); }
  void BuildTree() {
    a_ = Mkdir(kRootIno, "a");
    inner_ = Mkdir(a_, "inner");
    deep_ = Mkdir(inner_, "deep");
    a_file_ = MakeFile(a_, "file");
    b_ = Mkdir(kRootIno, "b");
    c_ = Mkdir(kRootIno, "c");
    MakeFile(c_, "x");
    file_ = MakeFile(kRootIno, "file");
    file2_ = MakeFile(kRootIno, "file2");
  }
  Ino a_ = 0, inner_ = 0, deep_ = 0, a_file_ = 0, b_ = 0, c_ = 0, file_ = 0, file2_ = 0;
};

TEST_F(RenameTest, RulesGiveExactErrnos) {
  struct Case {
    const char* what;
    Ino RenameTest::*from_dir;  // nullptr: the root
    const char* from;
    Ino RenameTest::*to_dir;
    std::string to;
    unsigned flags;
    int want;
  };
  const Case cases[] = {
      {"missing source", nullptr, "nope", nullptr, "x", 0, ENOENT},
      {"NOREPLACE onto existing", nullptr, "file", nullptr, "file2", RENAME_NOREPLACE, EEXIST},
      {"NOREPLACE to a free name", nullptr, "file", nullptr, "new", RENAME_NOREPLACE, 0},
      {"EXCHANGE with missing", nullptr, "file", nullptr, "nope", RENAME_EXCHANGE, ENOENT},
      {"both flags", nullptr, "file", nullptr, "file2", RENAME_EXCHANGE | RENAME_NOREPLACE, EINVAL},
      {"unknown flag", nullptr, "file", nullptr, "file2", 1u << 7, EINVAL},
      {"dir into itself", nullptr, "a", &RenameTest::a_, "x", 0, EINVAL},
      {"dir into own subtree", nullptr, "a", &RenameTest::deep_, "x", 0, EINVAL},
      {"EXCHANGE dir with its descendant", nullptr, "a", &RenameTest::inner_, "deep",
       RENAME_EXCHANGE, EINVAL},
      {"dir over file", nullptr, "b", nullptr, "file", 0, ENOTDIR},
      {"file over dir", nullptr, "file", nullptr, "b", 0, EISDIR},
      {"dir over non-empty dir", nullptr, "b", nullptr, "c", 0, ENOTEMPTY},
      {"dir over its non-empty ancestor", &RenameTest::inner_, "deep", nullptr, "a", 0, ENOTEMPTY},
      {"dir over empty dir", nullptr, "c", nullptr, "b", 0, 0},
      {"file over file", nullptr, "file", nullptr, "file2", 0, 0},
      {"file to another dir", nullptr, "file", &RenameTest::deep_, "f", 0, 0},
      {"EXCHANGE file and dir", nullptr, "file", nullptr, "c", RENAME_EXCHANGE, 0},
      {"new name too long", nullptr, "file", nullptr, std::string(256, 'n'), 0, ENAMETOOLONG},
      {"into a file as directory", nullptr, "b", &RenameTest::file_, "x", 0, ENOTDIR},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.what);
    Reset();
    BuildTree();
    const Ino from = c.from_dir ? this->*c.from_dir : kRootIno;
    const Ino to = c.to_dir ? this->*c.to_dir : kRootIno;
    EXPECT_EQ(ops_.rename(root_, from, c.from, to, c.to, c.flags), c.want);
  }
}

TEST_F(RenameTest, OverExistingFileReplacesAndFreesIt) {
  const size_t before = fs_->inode_count();
  ASSERT_EQ(ops_.rename(root_, kRootIno, "file", kRootIno, "file2", 0), 0);
  EXPECT_EQ(LookupIno(kRootIno, "file"), 0u);
  EXPECT_EQ(LookupIno(kRootIno, "file2"), file_);
  // The replaced inode was known to the kernel (created through an Entry): it
  // stays until reclaim.
  EXPECT_TRUE(fs_->HasInode(file2_));
  ops_.reclaim(file2_);
  EXPECT_FALSE(fs_->HasInode(file2_));
  EXPECT_EQ(fs_->inode_count(), before - 1);
}

TEST_F(RenameTest, OverEmptyDirKeepsLinkCountsRight) {
  ASSERT_EQ(ops_.rename(root_, kRootIno, "c", kRootIno, "b", 0), 0);
  EXPECT_EQ(LookupIno(kRootIno, "b"), c_);
  EXPECT_EQ(Stat(b_).st_nlink, 0u);
  // root: ".", "..", a, c-as-b
  EXPECT_EQ(Stat(kRootIno).st_nlink, 4u);
}

TEST_F(RenameTest, DirectoryMoveUpdatesDotDotAndCounts) {
  ASSERT_EQ(ops_.rename(root_, a_, "inner", b_, "moved", 0), 0);
  EXPECT_EQ(LookupIno(inner_, ".."), b_);
  EXPECT_EQ(Stat(a_).st_nlink, 2u);
  EXPECT_EQ(Stat(b_).st_nlink, 3u);
  EXPECT_EQ(LookupIno(b_, "moved"), inner_);
  EXPECT_EQ(LookupIno(a_, "inner"), 0u);
}

TEST_F(RenameTest, ExchangeSwapsInodesAndParents) {
  ASSERT_EQ(ops_.rename(root_, a_, "inner", kRootIno, "file", RENAME_EXCHANGE), 0);
  EXPECT_EQ(LookupIno(a_, "inner"), file_);
  EXPECT_EQ(LookupIno(kRootIno, "file"), inner_);
  EXPECT_EQ(LookupIno(inner_, ".."), kRootIno);
  EXPECT_EQ(Stat(a_).st_nlink, 2u);         // lost a subdirectory
  EXPECT_EQ(Stat(kRootIno).st_nlink, 6u);   // ".", "..", a, b, c, inner
  EXPECT_EQ(Stat(file_).st_nlink, 1u);
}

TEST_F(RenameTest, UpdatesCtimeOfMovedInodeAndTimesOfBothParents) {
  struct stat old {};
  old.st_atim = old.st_mtim = old.st_ctim = {1000, 0};
  const int valid = FUSE_SET_ATTR_ATIME | FUSE_SET_ATTR_MTIME | FUSE_SET_ATTR_CTIME;
  for (Ino ino : {a_, b_, a_file_}) ASSERT_EQ(SetAttr(root_, ino, valid, old), 0);
  ASSERT_EQ(ops_.rename(root_, a_, "file", b_, "moved", 0), 0);
  EXPECT_GT(Stat(a_file_).st_ctim.tv_sec, 1000);
  EXPECT_EQ(Stat(a_file_).st_mtim.tv_sec, 1000);  // contents unchanged
  for (Ino dir : {a_, b_}) {
    EXPECT_GT(Stat(dir).st_mtim.tv_sec, 1000) << dir;
    EXPECT_GT(Stat(dir).st_ctim.tv_sec, 1000) << dir;
  }
}

TEST_F(RenameTest, HardLinksOfOneInodeStayPut) {
  puffs::Entry e;
  ASSERT_EQ(ops_.link(root_, file_, kRootIno, "same", &e), 0);
  ASSERT_EQ(ops_.rename(root_, kRootIno, "file", kRootIno, "same", 0), 0);
  EXPECT_EQ(LookupIno(kRootIno, "file"), file_);
  EXPECT_EQ(LookupIno(kRootIno, "same"), file_);
  EXPECT_EQ(Stat(file_).st_nlink, 2u);
}

TEST_F(RenameTest, StickyDirectoryProtectsOthersEntries) {
  FakeRequest alice(1001, 1001), bob(1002, 1002);
  const Ino tmp = Mkdir(kRootIno, "tmp", 01777);
  const Ino af = MakeFile(alice, tmp, "alice-file");
  MakeFile(bob, tmp, "bob-file");
  EXPECT_EQ(ops_.rename(bob, tmp, "alice-file", tmp, "stolen", 0), EPERM);
  EXPECT_EQ(ops_.rename(bob, tmp, "bob-file", tmp, "alice-file", 0), EPERM);  // replacing hers
  EXPECT_EQ(ops_.unlink(bob, tmp, "alice-file"), EPERM);
  EXPECT_EQ(ops_.rename(alice, tmp, "alice-file", tmp, "mine", 0), 0);
  EXPECT_EQ(LookupIno(tmp, "mine"), af);
  EXPECT_EQ(ops_.unlink(root_, tmp, "mine"), 0);  // root may
}

}  // namespace
}  // namespace rpuffs::memfs::testing
