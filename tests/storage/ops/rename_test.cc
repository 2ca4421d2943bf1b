#include <cerrno>

#include "storage/volume_impl.h"
#include "tests/storage/volume_fixture.h"

namespace rpuffs::storage::testing {
namespace {

class RenameTest : public VolumeTest {};
STORAGE_SUITE(RenameTest);

TEST_P(RenameTest, MovesFileWithinAndAcrossDirectories) {
  Ino f = FileOk(kRootIno, "a", "x");
  ASSERT_TRUE(v->Rename(Op(), root, kRootIno, "a", kRootIno, "b", 0).ok());
  EXPECT_EQ(v->Lookup(root, kRootIno, "a").err(), ENOENT);
  EXPECT_EQ(v->Lookup(root, kRootIno, "b")->ino, f);
  Ino d = MkdirOk(kRootIno, "d");
  ASSERT_TRUE(v->Rename(Op(), root, kRootIno, "b", d, "c", 0).ok());
  EXPECT_EQ(v->Lookup(root, d, "c")->ino, f);
  EXPECT_EQ(AttrOk(d).nlink, 2u);
}

TEST_P(RenameTest, OverExistingFileReplacesIt) {
  Ino a = FileOk(kRootIno, "a", "new");
  Ino b = FileOk(kRootIno, "b", "old");
  ASSERT_TRUE(v->Rename(Op(), root, kRootIno, "a", kRootIno, "b", 0).ok());
  EXPECT_EQ(v->Lookup(root, kRootIno, "b")->ino, a);
  EXPECT_EQ(ReadAll(a), "new");
  EXPECT_EQ(v->GetAttr(b).err(), ESTALE);
}

TEST_P(RenameTest, DirectoryAcrossParentsMovesDotDotAndLinks) {
  Ino p1 = MkdirOk(kRootIno, "p1");
  Ino p2 = MkdirOk(kRootIno, "p2");
  Ino d = MkdirOk(p1, "d");
  ASSERT_TRUE(v->Rename(Op(), root, p1, "d", p2, "d", 0).ok());
  EXPECT_EQ(AttrOk(p1).nlink, 2u);
  EXPECT_EQ(AttrOk(p2).nlink, 3u);
  EXPECT_EQ(v->Lookup(root, d, "..")->ino, p2);
  // Over an empty directory.
  Ino e = MkdirOk(p1, "e");
  ASSERT_TRUE(v->Rename(Op(), root, p2, "d", p1, "e", 0).ok());
  EXPECT_EQ(v->GetAttr(e).err(), ESTALE);
  EXPECT_EQ(AttrOk(p1).nlink, 3u);
  EXPECT_EQ(AttrOk(p2).nlink, 2u);
}

TEST_P(RenameTest, ErrnoTable) {
  Ino a = MkdirOk(kRootIno, "a");
  Ino sub = MkdirOk(a, "sub");
  MkdirOk(kRootIno, "full");
  FileOk(MkdirOk(kRootIno, "full2"), "x");
  FileOk(kRootIno, "file");
  FileOk(kRootIno, "file2");
  struct Case {
    Ino p;
    std::string n;
    Ino np;
    std::string nn;
    uint32_t flags;
    int err;
  } cases[] = {
      {kRootIno, "a", sub, "x", 0, EINVAL},               // under itself
      {kRootIno, "a", a, "x", 0, EINVAL},                 // into itself
      {kRootIno, "full", kRootIno, "full2", 0, ENOTEMPTY},
      {kRootIno, "a", kRootIno, "file", 0, ENOTDIR},
      {kRootIno, "file", kRootIno, "a", 0, EISDIR},
      {kRootIno, "missing", kRootIno, "x", 0, ENOENT},
      {kRootIno, "file", kRootIno, "file2", kRenameNoReplace, EEXIST},
      {kRootIno, "file", kRootIno, "nothing", kRenameExchange, ENOENT},
      {kRootIno, "file", kRootIno, "x", kRenameExchange | kRenameNoReplace, EINVAL},
      {kRootIno, "file", kRootIno, "x", 8, EINVAL},
      {kRootIno, ".", kRootIno, "x", 0, EINVAL},
      {kRootIno, "file", kRootIno, std::string(256, 'z'), 0, ENAMETOOLONG},
      {kRootIno, "file", 99999, "x", 0, ESTALE},
  };
  for (const auto& c : cases)
    EXPECT_EQ(v->Rename(Op(), root, c.p, c.n, c.np, c.nn, c.flags).err(), c.err) << c.n << " -> " << c.nn.substr(0, 9);
  EXPECT_EQ(v->Lookup(root, kRootIno, "a")->ino, a);
}

TEST_P(RenameTest, ExchangeSwapsEntriesAndParents) {
  Ino p1 = MkdirOk(kRootIno, "p1");
  Ino d = MkdirOk(p1, "d");
  Ino f = FileOk(kRootIno, "f", "f");
  ASSERT_TRUE(v->Rename(Op(), root, p1, "d", kRootIno, "f", kRenameExchange).ok());
  EXPECT_EQ(v->Lookup(root, kRootIno, "f")->ino, d);
  EXPECT_EQ(v->Lookup(root, p1, "d")->ino, f);
  EXPECT_EQ(v->Lookup(root, d, "..")->ino, kRootIno);
  EXPECT_EQ(AttrOk(p1).nlink, 2u);
  EXPECT_EQ(AttrOk(kRootIno).nlink, 4u);
}

TEST_P(RenameTest, SameInodeIsANoOp) {
  Ino f = FileOk(kRootIno, "f");
  ASSERT_TRUE(v->Link(Op(), root, f, kRootIno, "g").ok());
  EXPECT_EQ(v->Rename(Op(), root, kRootIno, "f", kRootIno, "g", kRenameNoReplace).err(), EEXIST);
  ASSERT_TRUE(v->Rename(Op(), root, kRootIno, "f", kRootIno, "g", 0).ok());
  EXPECT_EQ(v->Lookup(root, kRootIno, "f")->ino, f);
  EXPECT_EQ(AttrOk(f).nlink, 2u);
}

TEST_P(RenameTest, StickyAndPermissionRules) {
  Ino tmp = MkdirOk(kRootIno, "tmp", 01777);
  FileOk(tmp, "alices", "", 0644, alice);
  FileOk(tmp, "bobs", "", 0644, bob);
  EXPECT_EQ(v->Rename(Op(), bob, tmp, "alices", tmp, "x", 0).err(), EPERM);
  EXPECT_EQ(v->Rename(Op(), bob, tmp, "bobs", tmp, "alices", 0).err(), EPERM);
  EXPECT_TRUE(v->Rename(Op(), alice, tmp, "alices", tmp, "mine", 0).ok());
  Ino ro = MkdirOk(kRootIno, "ro", 0755);
  EXPECT_EQ(v->Rename(Op(), alice, tmp, "mine", ro, "x", 0).err(), EACCES);
  // Moving a directory to another parent needs write permission on it (its "..").
  Ino open = MkdirOk(kRootIno, "open", 0777);
  MkdirOk(open, "rootdir", 0755);
  EXPECT_EQ(v->Rename(Op(), alice, open, "rootdir", tmp, "moved", 0).err(), EACCES);
  EXPECT_TRUE(v->Rename(Op(), alice, open, "rootdir", open, "renamed", 0).ok());
}

}  // namespace
}  // namespace rpuffs::storage::testing
