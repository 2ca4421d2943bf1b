#include <sys/xattr.h>

#include <algorithm>
#include <cerrno>

#include "tests/storage/volume_fixture.h"

namespace rpuffs::storage::testing {
namespace {

class XattrTest : public VolumeTest {};
STORAGE_SUITE(XattrTest);

TEST_P(XattrTest, SetGetListRemove) {
  Ino f = FileOk(kRootIno, "f", "", 0644, alice);
  Attr before = AttrOk(f);
  ASSERT_TRUE(v->SetXattr(Op(), alice, f, "user.a", "1", 0).ok());
  ASSERT_TRUE(v->SetXattr(Op(), alice, f, "user.b", std::string(kXattrValueMax, 'v'), 0).ok());
  EXPECT_FALSE(AttrOk(f).ctime < before.ctime);
  EXPECT_EQ(v->GetXattr(alice, f, "user.a").value(), "1");
  EXPECT_EQ(v->GetXattr(alice, f, "user.b")->size(), kXattrValueMax);
  auto names = v->ListXattr(alice, f);
  ASSERT_TRUE(names.ok());
  EXPECT_EQ(names.value(), (std::vector<std::string>{"user.a", "user.b"}));
  ASSERT_TRUE(v->RemoveXattr(Op(), alice, f, "user.a").ok());
  EXPECT_EQ(v->GetXattr(alice, f, "user.a").err(), ENODATA);
  EXPECT_EQ(v->RemoveXattr(Op(), alice, f, "user.a").err(), ENODATA);
}

TEST_P(XattrTest, CreateAndReplaceFlags) {
  Ino f = FileOk(kRootIno, "f");
  EXPECT_EQ(v->SetXattr(Op(), root, f, "user.x", "1", XATTR_REPLACE).err(), ENODATA);
  EXPECT_TRUE(v->SetXattr(Op(), root, f, "user.x", "1", XATTR_CREATE).ok());
  EXPECT_EQ(v->SetXattr(Op(), root, f, "user.x", "2", XATTR_CREATE).err(), EEXIST);
  EXPECT_TRUE(v->SetXattr(Op(), root, f, "user.x", "3", XATTR_REPLACE).ok());
  EXPECT_EQ(v->GetXattr(root, f, "user.x").value(), "3");
}

TEST_P(XattrTest, LimitsAndNamespacesTable) {
  Ino f = FileOk(kRootIno, "f", "", 0644, alice);
  auto link = v->Symlink(Op(), alice, MkdirOk(kRootIno, "d", 0777), "l", "f");
  ASSERT_TRUE(link.ok());
  struct Case {
    Ino ino;
    Caller caller;
    std::string name;
    size_t value_size;
    int err;
  } cases[] = {
      {f, alice, "user." + std::string(250, 'n'), 1, 0},
      {f, alice, "user." + std::string(251, 'n'), 1, ERANGE},
      {f, alice, "", 1, ERANGE},
      {f, alice, "user.big", kXattrValueMax + 1, E2BIG},
      {link->ino, alice, "user.x", 1, EPERM},
      {f, alice, "os2.x", 1, EOPNOTSUPP},
      {f, alice, "system.other", 1, EOPNOTSUPP},
      {f, alice, "trusted.x", 1, EPERM},
      {f, root, "trusted.x", 1, 0},
      {f, alice, "security.x", 1, EPERM},
      {f, alice, "system.posix_acl_access", 1, 0},
      {f, bob, "system.posix_acl_access", 1, EPERM},
      {f, bob, "user.y", 1, EACCES},
  };
  for (const auto& c : cases)
    EXPECT_EQ(v->SetXattr(Op(), c.caller, c.ino, c.name, std::string(c.value_size, 'v'), 0).err(), c.err)
        << c.name.substr(0, 20);
  EXPECT_EQ(v->GetXattr(bob, f, "trusted.x").err(), ENODATA);
  EXPECT_EQ(v->GetXattr(root, f, "trusted.x").value(), "v");
  auto alice_list = v->ListXattr(alice, f);
  ASSERT_TRUE(alice_list.ok());
  EXPECT_EQ(std::count(alice_list->begin(), alice_list->end(), "trusted.x"), 0);
  auto root_list = v->ListXattr(root, f);
  EXPECT_EQ(std::count(root_list->begin(), root_list->end(), "trusted.x"), 1);
}

TEST_P(XattrTest, XattrsGoWithTheInode) {
  Ino f = FileOk(kRootIno, "f");
  ASSERT_TRUE(v->SetXattr(Op(), root, f, "user.x", "1", 0).ok());
  ASSERT_TRUE(v->Unlink(Op(), root, kRootIno, "f").ok());
  EXPECT_EQ(v->GetXattr(root, f, "user.x").err(), ESTALE);
}

}  // namespace
}  // namespace rpuffs::storage::testing
