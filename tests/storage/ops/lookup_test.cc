#include <cerrno>

#include "tests/storage/volume_fixture.h"

namespace rpuffs::storage::testing {
namespace {

class LookupTest : public VolumeTest {};
STORAGE_SUITE(LookupTest);

TEST_P(LookupTest, FindsCreatedFileAndDots) {
  Ino d = MkdirOk(kRootIno, "d");
  Ino f = FileOk(d, "f", "hello");
  auto r = v->Lookup(root, d, "f");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->ino, f);
  EXPECT_EQ(r->size, 5u);
  EXPECT_EQ(v->Lookup(root, d, ".")->ino, d);
  EXPECT_EQ(v->Lookup(root, d, "..")->ino, kRootIno);
  EXPECT_EQ(v->Lookup(root, kRootIno, "..")->ino, kRootIno);
}

TEST_P(LookupTest, ErrnoTable) {
  Ino f = FileOk(kRootIno, "file");
  Ino locked = MkdirOk(kRootIno, "locked", 0700);
  struct Case {
    Ino parent;
    std::string name;
    Caller caller;
    int err;
  } cases[] = {
      {kRootIno, "missing", root, ENOENT},
      {f, "x", root, ENOTDIR},
      {kRootIno, std::string(256, 'a'), root, ENAMETOOLONG},
      {kRootIno, std::string(255, 'a'), root, ENOENT},
      {kRootIno, "", root, EINVAL},
      {kRootIno, "a/b", root, EINVAL},
      {kRootIno, std::string("a\0b", 3), root, EINVAL},
      {locked, "x", alice, EACCES},
      {locked, "x", root, ENOENT},
      {999999, "x", root, ESTALE},
  };
  for (const auto& c : cases) {
    auto r = v->Lookup(c.caller, c.parent, c.name);
    EXPECT_EQ(r.err(), c.err) << "parent " << c.parent << " name " << c.name.substr(0, 20);
  }
}

TEST_P(LookupTest, GetAttrOfUnknownInodeIsESTALE) {
  EXPECT_EQ(v->GetAttr(4242).err(), ESTALE);
  auto r = v->GetAttr(kRootIno);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(S_ISDIR(r->mode));
  EXPECT_EQ(r->nlink, 2u);
}

}  // namespace
}  // namespace rpuffs::storage::testing
