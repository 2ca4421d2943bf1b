#include <cerrno>

#include "tests/storage/volume_fixture.h"

namespace rpuffs::storage::testing {
namespace {

class SetAttrTest : public VolumeTest {};
STORAGE_SUITE(SetAttrTest);

TEST_P(SetAttrTest, OwnershipRulesTable) {
  Caller member{1000, 1000, {2000}};
  struct Case {
    const char* what;
    Caller caller;
    SetAttrIn in;
    int err;
  } cases[] = {
      {"chmod by owner", alice, SetMode(0600), 0},
      {"chmod by other", bob, SetMode(0600), EPERM},
      {"chmod by root", root, SetMode(0600), 0},
      {"chown to other uid by owner", alice, SetUid(1001), EPERM},
      {"chown to own uid by owner", alice, SetUid(1000), 0},
      {"chown by root", root, SetUid(1001), 0},
      {"chgrp to non-member group", alice, SetGid(3000), EPERM},
      {"chgrp to supplementary group", member, SetGid(2000), 0},
      {"chgrp by non-owner", bob, SetGid(1001), EPERM},
  };
  int i = 0;
  for (const auto& c : cases) {
    Ino f = FileOk(kRootIno, "f" + std::to_string(i++), "", 0644, alice);
    EXPECT_EQ(v->SetAttr(Op(), c.caller, f, c.in).err(), c.err) << c.what;
  }
}

TEST_P(SetAttrTest, SuidAndSgidClearing) {
  Ino f = FileOk(kRootIno, "f", "", 0644, alice);
  ASSERT_TRUE(v->SetAttr(Op(), alice, f, SetMode(06755)).ok());
  EXPECT_EQ(AttrOk(f).mode & 07777, 06755u);
  // chown (even by root) clears S_ISUID, and S_ISGID because group-exec is set.
  ASSERT_TRUE(v->SetAttr(Op(), root, f, SetUid(1000)).ok());
  EXPECT_EQ(AttrOk(f).mode & 07777, 0755u);
  // Without group-exec S_ISGID stays (mandatory-locking marker).
  ASSERT_TRUE(v->SetAttr(Op(), alice, f, SetMode(06745)).ok());
  ASSERT_TRUE(v->SetAttr(Op(), root, f, SetGid(1000)).ok());
  EXPECT_EQ(AttrOk(f).mode & 07777, 02745u);
  // chmod of a setgid file by an owner outside its group drops S_ISGID.
  ASSERT_TRUE(v->SetAttr(Op(), root, f, SetGid(4000)).ok());
  ASSERT_TRUE(v->SetAttr(Op(), alice, f, SetMode(02755)).ok());
  EXPECT_EQ(AttrOk(f).mode & 07777, 0755u);
  // A write by non-root clears both.
  ASSERT_TRUE(v->SetAttr(Op(), root, f, SetMode(06755)).ok());
  ASSERT_TRUE(v->Write(Op(), alice, f, 0, "x", false).ok());
  EXPECT_EQ(AttrOk(f).mode & 07777, 0755u);
  // ... but not by root.
  ASSERT_TRUE(v->SetAttr(Op(), root, f, SetMode(06755)).ok());
  ASSERT_TRUE(v->Write(Op(), root, f, 0, "y", false).ok());
  EXPECT_EQ(AttrOk(f).mode & 07777, 06755u);
}

TEST_P(SetAttrTest, TimesRules) {
  Ino f = FileOk(kRootIno, "f", "", 0664, alice);
  SetAttrIn explicit_times;
  explicit_times.valid = SetAttrIn::kAtime | SetAttrIn::kMtime;
  explicit_times.atime = {1000, 5};
  explicit_times.mtime = {2000, 123456789};
  SetAttrIn now;
  now.valid = SetAttrIn::kAtimeNow | SetAttrIn::kMtimeNow;
  Caller group_member{1001, 1001, {1000}};
  EXPECT_EQ(v->SetAttr(Op(), bob, f, explicit_times).err(), EPERM);
  EXPECT_EQ(v->SetAttr(Op(), bob, f, now).err(), EACCES);
  EXPECT_EQ(v->SetAttr(Op(), group_member, f, now).err(), 0);
  EXPECT_EQ(v->SetAttr(Op(), group_member, f, explicit_times).err(), EPERM);
  Attr before = AttrOk(f);
  auto r = v->SetAttr(Op(), alice, f, explicit_times);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->atime, (Timespec{1000, 5}));
  EXPECT_EQ(r->mtime, (Timespec{2000, 123456789}));
  EXPECT_FALSE(r->ctime < before.ctime);
  explicit_times.mtime.nsec = 1000000000;
  EXPECT_EQ(v->SetAttr(Op(), alice, f, explicit_times).err(), EINVAL);
}

TEST_P(SetAttrTest, TruncateDownAndUp) {
  std::string data(150000, 'a');
  Ino f = FileOk(kRootIno, "f", data);
  EXPECT_EQ(AttrOk(f).blocks, 3u * 128);
  ASSERT_TRUE(v->SetAttr(Op(), root, f, SetSize(70000)).ok());
  EXPECT_EQ(AttrOk(f).blocks, 2u * 128);
  ASSERT_TRUE(v->SetAttr(Op(), root, f, SetSize(140000)).ok());
  std::string expected = std::string(70000, 'a') + std::string(70000, '\0');
  EXPECT_EQ(ReadAll(f), expected);
  ASSERT_TRUE(v->SetAttr(Op(), root, f, SetSize(0)).ok());
  EXPECT_EQ(AttrOk(f).blocks, 0u);
  EXPECT_EQ(AttrOk(f).size, 0u);
}

TEST_P(SetAttrTest, SizeErrnoTable) {
  Ino d = MkdirOk(kRootIno, "d");
  Ino f = FileOk(kRootIno, "f", "", 0644, alice);
  EXPECT_EQ(v->SetAttr(Op(), root, d, SetSize(0)).err(), EISDIR);
  EXPECT_EQ(v->SetAttr(Op(), root, f, SetSize(1ull << 51)).err(), EFBIG);
  EXPECT_EQ(v->SetAttr(Op(), bob, f, SetSize(1)).err(), EACCES);
  EXPECT_EQ(v->SetAttr(Op(), root, 55555, SetSize(1)).err(), ESTALE);
  auto s = v->Symlink(Op(), root, kRootIno, "l", "t");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(v->SetAttr(Op(), root, s->ino, SetSize(0)).err(), EINVAL);
}

}  // namespace
}  // namespace rpuffs::storage::testing
