#include <fcntl.h>

#include <cerrno>

#include "tests/storage/volume_fixture.h"

namespace rpuffs::storage::testing {
namespace {

class RmdirTest : public VolumeTest {};
STORAGE_SUITE(RmdirTest);

TEST_P(RmdirTest, MkdirAndRmdirKeepNlinkCounts) {
  Ino a = MkdirOk(kRootIno, "a");
  EXPECT_EQ(AttrOk(kRootIno).nlink, 3u);
  EXPECT_EQ(AttrOk(a).nlink, 2u);
  MkdirOk(a, "b");
  MkdirOk(a, "c");
  FileOk(a, "f");
  EXPECT_EQ(AttrOk(a).nlink, 4u);
  ASSERT_TRUE(v->Rmdir(Op(), root, a, "b").ok());
  EXPECT_EQ(AttrOk(a).nlink, 3u);
  EXPECT_EQ(v->Lookup(root, a, "b").err(), ENOENT);
}

TEST_P(RmdirTest, ErrnoTable) {
  Ino a = MkdirOk(kRootIno, "a");
  FileOk(a, "f");
  MkdirOk(kRootIno, "empty");
  FileOk(kRootIno, "file");
  struct Case {
    Ino parent;
    std::string name;
    int err;
  } cases[] = {
      {kRootIno, "a", ENOTEMPTY}, {kRootIno, "file", ENOTDIR}, {kRootIno, "missing", ENOENT},
      {a, ".", EINVAL},           {a, "..", ENOTEMPTY},        {kRootIno, std::string(300, 'x'), ENAMETOOLONG},
  };
  for (const auto& c : cases) EXPECT_EQ(v->Rmdir(Op(), root, c.parent, c.name).err(), c.err) << c.name.substr(0, 9);
  EXPECT_EQ(v->Unlink(Op(), root, kRootIno, "empty").err(), EISDIR);
  EXPECT_EQ(v->Rmdir(Op(), alice, kRootIno, "empty").err(), EACCES);
  EXPECT_TRUE(v->Rmdir(Op(), root, kRootIno, "empty").ok());
}

TEST_P(RmdirTest, DirectoryWithOnlySubdirRemovedIsEmptyAgain) {
  Ino a = MkdirOk(kRootIno, "a");
  MkdirOk(a, "sub");
  EXPECT_EQ(v->Rmdir(Op(), root, kRootIno, "a").err(), ENOTEMPTY);
  ASSERT_TRUE(v->Rmdir(Op(), root, a, "sub").ok());
  ASSERT_TRUE(v->Rmdir(Op(), root, kRootIno, "a").ok());
  EXPECT_EQ(AttrOk(kRootIno).nlink, 2u);
  EXPECT_EQ(v->GetAttr(a).err(), ESTALE);
}

}  // namespace
}  // namespace rpuffs::storage::testing
