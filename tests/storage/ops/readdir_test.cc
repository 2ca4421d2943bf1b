#include <cerrno>
#include <map>
#include <set>

#include "tests/storage/volume_fixture.h"

namespace rpuffs::storage::testing {
namespace {

class ReaddirTest : public VolumeTest {};
STORAGE_SUITE(ReaddirTest);

TEST_P(ReaddirTest, ListsDotsThenEntriesWithTypesAndAttrs) {
  Ino d = MkdirOk(kRootIno, "d");
  Ino f = FileOk(d, "file", "12345");
  Ino s = MkdirOk(d, "sub");
  auto r = v->Readdir(root, d, 0, 100, true);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->eof);
  ASSERT_EQ(r->entries.size(), 4u);
  EXPECT_EQ(r->entries[0].name, ".");
  EXPECT_EQ(r->entries[0].ino, d);
  EXPECT_EQ(r->entries[1].name, "..");
  EXPECT_EQ(r->entries[1].ino, kRootIno);
  std::map<std::string, DirEntry> by_name;
  for (const auto& e : r->entries) by_name[e.name] = e;
  EXPECT_EQ(by_name["file"].ino, f);
  EXPECT_EQ(by_name["file"].type, static_cast<uint32_t>(S_IFREG));
  EXPECT_EQ(by_name["file"].attr.size, 5u);
  EXPECT_EQ(by_name["sub"].ino, s);
  EXPECT_EQ(by_name["sub"].type, static_cast<uint32_t>(S_IFDIR));
}

TEST_P(ReaddirTest, ResumesFromAnyCookieSeeingEachEntryOnce) {
  Ino d = MkdirOk(kRootIno, "d");
  std::set<std::string> names;
  for (int i = 0; i < 500; ++i) {
    names.insert("n" + std::to_string(i));
    FileOk(d, "n" + std::to_string(i));
  }
  std::multiset<std::string> seen;
  uint64_t cookie = 0;
  for (int page = 0; page < 100; ++page) {
    auto r = v->Readdir(root, d, cookie, 37, false);
    ASSERT_TRUE(r.ok());
    for (const auto& e : r->entries) {
      EXPECT_GT(e.offset, cookie);
      EXPECT_LT(e.offset, 1ull << 63);
      cookie = e.offset;
      if (e.name != "." && e.name != "..") seen.insert(e.name);
    }
    // Entries removed mid-listing never break resumption.
    if (page == 3) {
      ASSERT_TRUE(v->Unlink(Op(), root, d, *seen.begin()).ok());
    }
    if (r->eof) break;
  }
  EXPECT_EQ(seen.size(), names.size());
  EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()), names);
}

TEST_P(ReaddirTest, ErrnoTable) {
  Ino f = FileOk(kRootIno, "f");
  Ino locked = MkdirOk(kRootIno, "locked", 0311);
  EXPECT_EQ(v->Readdir(root, f, 0, 10, false).err(), ENOTDIR);
  EXPECT_EQ(v->Readdir(alice, locked, 0, 10, false).err(), EACCES);
  EXPECT_EQ(v->Readdir(root, 31337, 0, 10, false).err(), ESTALE);
  EXPECT_TRUE(v->Readdir(root, locked, 0, 10, false).ok());
}

}  // namespace
}  // namespace rpuffs::storage::testing
