#include <cerrno>

#include "tests/storage/volume_fixture.h"

namespace rpuffs::storage::testing {
namespace {

class SymlinkTest : public VolumeTest {};
STORAGE_SUITE(SymlinkTest);

TEST_P(SymlinkTest, StoresTargetAndSize) {
  auto s = v->Symlink(Op(), alice, MkdirOk(kRootIno, "d", 0777), "l", "../some/where");
  ASSERT_TRUE(s.ok());
  EXPECT_TRUE(S_ISLNK(s->mode));
  EXPECT_EQ(s->mode & 07777, 0777u);
  EXPECT_EQ(s->size, 13u);
  EXPECT_EQ(s->uid, 1000u);
  auto t = v->Readlink(s->ino);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t.value(), "../some/where");
}

TEST_P(SymlinkTest, ErrnoTable) {
  Ino f = FileOk(kRootIno, "f");
  EXPECT_EQ(v->Readlink(f).err(), EINVAL);
  EXPECT_EQ(v->Symlink(Op(), root, kRootIno, "a", "").err(), ENOENT);
  EXPECT_EQ(v->Symlink(Op(), root, kRootIno, "a", std::string(4096, 'x')).err(), ENAMETOOLONG);
  EXPECT_TRUE(v->Symlink(Op(), root, kRootIno, "b", std::string(4095, 'x')).ok());
  EXPECT_EQ(v->Symlink(Op(), root, kRootIno, "f", "x").err(), EEXIST);
  EXPECT_EQ(v->Readlink(123456).err(), ESTALE);
}

}  // namespace
}  // namespace rpuffs::storage::testing
