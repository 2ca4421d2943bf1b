#include <linux/falloc.h>

#include <cerrno>

#include "tests/storage/volume_fixture.h"

namespace rpuffs::storage::testing {
namespace {

class FallocateTest : public VolumeTest {};
STORAGE_SUITE(FallocateTest);

TEST_P(FallocateTest, PunchHoleZeroesAndFreesWholeBlocks) {
  Ino f = FileOk(kRootIno, "f", std::string(4 * 65536, 'x'));
  EXPECT_EQ(AttrOk(f).blocks, 4u * 128);
  auto r = v->Fallocate(Op(), root, f, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 100, 2 * 65536);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->size, 4u * 65536);
  EXPECT_EQ(r->blocks, 3u * 128);  // block 1 freed, 0 and 2 partly zeroed
  std::string expected = std::string(4 * 65536, 'x');
  expected.replace(100, 2 * 65536, std::string(2 * 65536, '\0'));
  EXPECT_EQ(ReadAll(f), expected);
}

TEST_P(FallocateTest, ModesAndErrors) {
  Ino f = FileOk(kRootIno, "f", "abc");
  auto grow = v->Fallocate(Op(), root, f, 0, 0, 100000);
  ASSERT_TRUE(grow.ok());
  EXPECT_EQ(grow->size, 100000u);
  auto keep = v->Fallocate(Op(), root, f, FALLOC_FL_KEEP_SIZE, 0, 500000);
  ASSERT_TRUE(keep.ok());
  EXPECT_EQ(keep->size, 100000u);
  EXPECT_EQ(ReadAll(f), std::string("abc") + std::string(100000 - 3, '\0'));
  EXPECT_EQ(v->Fallocate(Op(), root, f, FALLOC_FL_COLLAPSE_RANGE, 0, 65536).err(), EOPNOTSUPP);
  EXPECT_EQ(v->Fallocate(Op(), root, f, 0, 0, 0).err(), EINVAL);
  EXPECT_EQ(v->Fallocate(Op(), root, kRootIno, 0, 0, 10).err(), EISDIR);
}

TEST_P(FallocateTest, ReservedBlocksCountAndReadAsZerosUntilWritten) {
  Ino f = FileOk(kRootIno, "f", "abc");
  auto keep = v->Fallocate(Op(), root, f, FALLOC_FL_KEEP_SIZE, 0, 4 * 65536);
  ASSERT_TRUE(keep.ok());
  EXPECT_EQ(keep->size, 3u);
  EXPECT_EQ(keep->blocks, 4u * 128);  // block 0 was there; 1..3 reserved
  auto grow = v->Fallocate(Op(), root, f, 0, 65536, 65536);
  ASSERT_TRUE(grow.ok());
  EXPECT_EQ(grow->size, 2u * 65536);
  EXPECT_EQ(grow->blocks, 4u * 128);  // nothing new to reserve
  EXPECT_EQ(ReadAll(f), std::string("abc") + std::string(2 * 65536 - 3, '\0'));
  auto w = v->Write(Op(), root, f, 65536 + 10, "xyz", false);
  ASSERT_TRUE(w.ok());
  EXPECT_EQ(w->attr.blocks, 4u * 128);
  std::string expected = std::string("abc") + std::string(2 * 65536 - 3, '\0');
  expected.replace(65536 + 10, 3, "xyz");
  EXPECT_EQ(ReadAll(f), expected);
}

}  // namespace
}  // namespace rpuffs::storage::testing
