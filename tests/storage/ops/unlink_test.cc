#include <fcntl.h>

#include <cerrno>

#include "tests/storage/volume_fixture.h"

namespace rpuffs::storage::testing {
namespace {

class UnlinkTest : public VolumeTest {};
STORAGE_SUITE(UnlinkTest);

TEST_P(UnlinkTest, RemovesEntryAndFreesSpace) {
  Close();
  store_options.volume.capacity_bytes = 1 << 30;
  OpenStore();
  Ino f = FileOk(kRootIno, "f", std::string(200000, 'x'));
  auto before = v->Statfs();
  ASSERT_TRUE(before.ok());
  Attr parent_before = AttrOk(kRootIno);
  ASSERT_TRUE(v->Unlink(Op(), root, kRootIno, "f").ok());
  EXPECT_EQ(v->GetAttr(f).err(), ESTALE);
  auto after = v->Statfs();
  EXPECT_EQ(after->bfree, before->bfree + 4);  // 200000 bytes = 4 blocks of 64 KiB
  EXPECT_EQ(after->ffree, before->ffree + 1);
  EXPECT_FALSE(AttrOk(kRootIno).mtime < parent_before.mtime);
}

TEST_P(UnlinkTest, HardLinksCountAndSurvive) {
  Ino f = FileOk(kRootIno, "f", "abc");
  Ino d = MkdirOk(kRootIno, "d");
  auto l = v->Link(Op(), root, f, d, "g");
  ASSERT_TRUE(l.ok());
  EXPECT_EQ(l->nlink, 2u);
  ASSERT_TRUE(v->Unlink(Op(), root, kRootIno, "f").ok());
  EXPECT_EQ(AttrOk(f).nlink, 1u);
  EXPECT_EQ(ReadAll(f), "abc");
  ASSERT_TRUE(v->Unlink(Op(), root, d, "g").ok());
  EXPECT_EQ(v->GetAttr(f).err(), ESTALE);
}

TEST_P(UnlinkTest, UnlinkedButOpenFileIsReadableUntilRelease) {
  Ino f = FileOk(kRootIno, "f", "still here");
  uint64_t fh = OpenOk(f, O_RDONLY);
  ASSERT_TRUE(v->Unlink(Op(), root, kRootIno, "f").ok());
  EXPECT_EQ(v->Lookup(root, kRootIno, "f").err(), ENOENT);
  EXPECT_EQ(AttrOk(f).nlink, 0u);
  EXPECT_EQ(ReadAll(f), "still here");
  EXPECT_TRUE(FsckNow().empty());
  ASSERT_TRUE(v->Release(kSession, fh, false).ok());
  EXPECT_EQ(v->GetAttr(f).err(), ESTALE);
  EXPECT_EQ(v->Release(kSession, fh, false).err(), EBADF);
}

TEST_P(UnlinkTest, StickyDirectoryRules) {
  Ino tmp = MkdirOk(kRootIno, "tmp", 01777);
  Caller carol{1002, 1002, {}};
  struct Case {
    Caller owner_of_file;
    Caller remover;
    int err;
  } cases[] = {
      {alice, alice, 0},       // owner of the file
      {alice, bob, EPERM},     // neither owner of file nor dir
      {alice, root, 0},        // root
      {bob, carol, EPERM},
  };
  int i = 0;
  for (const auto& c : cases) {
    std::string name = "f" + std::to_string(i++);
    FileOk(tmp, name, "", 0666, c.owner_of_file);
    EXPECT_EQ(v->Unlink(Op(), c.remover, tmp, name).err(), c.err) << name;
  }
  // The directory's owner may remove anything in it.
  Ino own = MkdirOk(kRootIno, "own", 01777, alice);
  FileOk(own, "x", "", 0666, bob);
  EXPECT_EQ(v->Unlink(Op(), alice, own, "x").err(), 0);
}

TEST_P(UnlinkTest, LinkErrnoTable) {
  Ino f = FileOk(kRootIno, "f");
  Ino d = MkdirOk(kRootIno, "d");
  Ino ro = MkdirOk(kRootIno, "ro", 0755);
  EXPECT_EQ(v->Link(Op(), root, d, kRootIno, "d2").err(), EPERM);
  EXPECT_EQ(v->Link(Op(), root, f, kRootIno, "d").err(), EEXIST);
  EXPECT_EQ(v->Link(Op(), alice, f, ro, "x").err(), EACCES);
  EXPECT_EQ(v->Link(Op(), root, f, f, "x").err(), ENOTDIR);
  EXPECT_EQ(v->Link(Op(), root, 77777, kRootIno, "x").err(), ESTALE);
  Attr before = AttrOk(f);
  auto l = v->Link(Op(), root, f, d, "f2");
  ASSERT_TRUE(l.ok());
  EXPECT_FALSE(l->ctime < before.ctime);
}

}  // namespace
}  // namespace rpuffs::storage::testing
