#include <fcntl.h>

#include <cerrno>

#include "tests/storage/volume_fixture.h"

namespace rpuffs::storage::testing {
namespace {

class WriteTest : public VolumeTest {};
STORAGE_SUITE(WriteTest);

std::string Pattern(size_t n, int seed) {
  std::string s(n, '\0');
  for (size_t i = 0; i < n; ++i) s[i] = static_cast<char>((i * 131 + seed) % 251);
  return s;
}

TEST_P(WriteTest, RoundTripAcrossBlockBoundaries) {
  Ino f = FileOk(kRootIno, "f");
  std::string model;
  struct Piece {
    uint64_t offset;
    size_t size;
  } pieces[] = {{0, 100}, {65530, 20}, {131072, 65536}, {50, 200000}, {300000, 1}, {0, 1 << 20}};
  int seed = 0;
  for (const auto& p : pieces) {
    std::string data = Pattern(p.size, ++seed);
    auto w = v->Write(Op(), root, f, p.offset, data, false);
    ASSERT_TRUE(w.ok()) << w.err();
    EXPECT_EQ(w->count, p.size);
    if (model.size() < p.offset + p.size) model.resize(p.offset + p.size, '\0');
    model.replace(p.offset, p.size, data);
    EXPECT_EQ(w->attr.size, model.size());
  }
  EXPECT_EQ(ReadAll(f), model);
  auto mid = v->Read(f, 65000, 1000);
  ASSERT_TRUE(mid.ok());
  EXPECT_EQ(mid.value(), model.substr(65000, 1000));
}

TEST_P(WriteTest, SparseFileHolesReadAsZerosAndAreNotAllocated) {
  Ino f = FileOk(kRootIno, "f");
  ASSERT_TRUE(v->Write(Op(), root, f, 10 << 20, "end", false).ok());
  Attr a = AttrOk(f);
  EXPECT_EQ(a.size, (10u << 20) + 3);
  EXPECT_EQ(a.blocks, 128u);  // one 64 KiB block
  auto hole = v->Read(f, 5 << 20, 4096);
  ASSERT_TRUE(hole.ok());
  EXPECT_EQ(hole.value(), std::string(4096, '\0'));
  auto tail = v->Read(f, (10 << 20) - 2, 100);
  ASSERT_TRUE(tail.ok());
  EXPECT_EQ(tail.value(), std::string("\0\0end", 5));
}

TEST_P(WriteTest, ReadIsShortOnlyAtEndOfFile) {
  Ino f = FileOk(kRootIno, "f", "0123456789");
  EXPECT_EQ(v->Read(f, 4, 100).value(), "456789");
  EXPECT_EQ(v->Read(f, 10, 100).value(), "");
  EXPECT_EQ(v->Read(f, 1000, 100).value(), "");
  EXPECT_EQ(v->Read(f, 0, kMaxIo + 1).err(), EINVAL);
  EXPECT_EQ(v->Read(kRootIno, 0, 10).err(), EISDIR);
  EXPECT_EQ(v->Write(Op(), root, kRootIno, 0, "x", false).err(), EISDIR);
}

TEST_P(WriteTest, AppendWritesAtTheEnd) {
  Ino f = FileOk(kRootIno, "f", "abc");
  auto w = v->Write(Op(), root, f, 0, "def", true);
  ASSERT_TRUE(w.ok());
  EXPECT_EQ(w->attr.size, 6u);
  EXPECT_EQ(ReadAll(f), "abcdef");
}

TEST_P(WriteTest, UpdatesMtimeAndCtime) {
  Ino f = FileOk(kRootIno, "f");
  Attr before = AttrOk(f);
  auto w = v->Write(Op(), root, f, 0, "x", false);
  ASSERT_TRUE(w.ok());
  EXPECT_FALSE(w->attr.mtime < before.mtime);
  EXPECT_EQ(w->attr.mtime, w->attr.ctime);
}

TEST_P(WriteTest, PastMaximumSizeIsEFBIG) {
  Ino f = FileOk(kRootIno, "f");
  EXPECT_EQ(v->Write(Op(), root, f, (1ull << 50) - 1, "ab", false).err(), EFBIG);
  EXPECT_TRUE(v->Write(Op(), root, f, (1ull << 50) - 1, "a", false).ok());
}

TEST_P(WriteTest, FullVolumeIsENOSPC) {
  Close();
  store_options.volume.capacity_bytes = 4 * 65536;
  OpenStore();
  Ino f = FileOk(kRootIno, "f", std::string(3 * 65536, 'a'));
  EXPECT_EQ(v->Write(Op(), root, f, 3 * 65536, std::string(2 * 65536, 'b'), false).err(), ENOSPC);
  EXPECT_TRUE(v->Write(Op(), root, f, 3 * 65536, std::string(65536, 'b'), false).ok());
  // Overwriting allocated blocks needs no new space.
  EXPECT_TRUE(v->Write(Op(), root, f, 0, std::string(65536, 'c'), false).ok());
  auto st = v->Statfs();
  EXPECT_EQ(st->blocks, 4u);
  EXPECT_EQ(st->bfree, 0u);
}

TEST_P(WriteTest, AtimeIsRelatime) {
  Ino f = FileOk(kRootIno, "f", "data");
  SetAttrIn old;
  old.valid = SetAttrIn::kAtime | SetAttrIn::kMtime;
  old.atime = {1000, 0};
  old.mtime = {500, 0};
  ASSERT_TRUE(v->SetAttr(Op(), root, f, old).ok());
  ASSERT_TRUE(v->Read(f, 0, 4).ok());
  Attr after_first = AttrOk(f);
  EXPECT_GT(after_first.atime.sec, 1000);  // older than 24 h: updated
  ASSERT_TRUE(v->Read(f, 0, 4).ok());
  EXPECT_EQ(AttrOk(f).atime, after_first.atime);  // newer than mtime/ctime: kept
}

}  // namespace
}  // namespace rpuffs::storage::testing
