// Fsck finds volumes broken on purpose through the raw test hooks.
#include <algorithm>

#include "storage/keys.h"
#include "storage/records.h"
#include "storage/volume_internal.h"
#include "tests/storage/volume_fixture.h"

namespace rpuffs::storage::testing {
namespace {

using internal::Family;

class FsckTest : public VolumeTest {
 protected:
  bool Finds(const std::string& kind) {
    auto f = FsckNow();
    return std::any_of(f.begin(), f.end(), [&](const FsckFinding& x) { return x.kind == kind; });
  }
  // Breaks are repaired again by the test so that TearDown's fsck is clean.
};
STORAGE_SUITE(FsckTest);

TEST_P(FsckTest, CleanVolumeHasNoFindings) {
  Ino d = MkdirOk(kRootIno, "d");
  FileOk(d, "f", std::string(70000, 'x'));
  EXPECT_TRUE(FsckNow().empty());
}

TEST_P(FsckTest, DanglingDentry) {
  DentryValue dv{987654, S_IFREG};
  ASSERT_TRUE(internal::RawPut(v, Family::kMeta, DentryKey(kRootIno, "ghost"), EncodeDentry(dv)).ok());
  EXPECT_TRUE(Finds("dangling-dentry"));
  ASSERT_TRUE(internal::RawDelete(v, Family::kMeta, DentryKey(kRootIno, "ghost")).ok());
  EXPECT_TRUE(FsckNow().empty());
}

TEST_P(FsckTest, WrongNlinkAndDotDot) {
  Ino f = FileOk(kRootIno, "f");
  Ino d = MkdirOk(kRootIno, "d");
  // A second name for f written without touching its nlink.
  DentryValue dv{f, S_IFREG};
  ASSERT_TRUE(internal::RawPut(v, Family::kMeta, DentryKey(d, "f2"), EncodeDentry(dv)).ok());
  EXPECT_TRUE(Finds("wrong-nlink"));
  ASSERT_TRUE(internal::RawDelete(v, Family::kMeta, DentryKey(d, "f2")).ok());
  // A directory entry in the wrong parent.
  DentryValue dd{d, S_IFDIR};
  Ino e = MkdirOk(kRootIno, "e");
  ASSERT_TRUE(internal::RawPut(v, Family::kMeta, DentryKey(e, "d"), EncodeDentry(dd)).ok());
  ASSERT_TRUE(internal::RawDelete(v, Family::kMeta, DentryKey(kRootIno, "d")).ok());
  EXPECT_TRUE(Finds("wrong-dotdot"));
  ASSERT_TRUE(internal::RawPut(v, Family::kMeta, DentryKey(kRootIno, "d"), EncodeDentry(dd)).ok());
  ASSERT_TRUE(internal::RawDelete(v, Family::kMeta, DentryKey(e, "d")).ok());
}

TEST_P(FsckTest, OrphanBlocksXattrsAndUnreferencedInodes) {
  ASSERT_TRUE(internal::RawPut(v, Family::kData, BlockKey(555555, 0), "junk").ok());
  EXPECT_TRUE(Finds("orphan-block"));
  ASSERT_TRUE(internal::RawDelete(v, Family::kData, BlockKey(555555, 0)).ok());
  ASSERT_TRUE(internal::RawPut(v, Family::kMeta, XattrKey(555555, "user.x"), "v").ok());
  EXPECT_TRUE(Finds("orphan-xattr"));
  ASSERT_TRUE(internal::RawDelete(v, Family::kMeta, XattrKey(555555, "user.x")).ok());
  Ino f = FileOk(kRootIno, "f");
  ASSERT_TRUE(internal::RawDelete(v, Family::kMeta, DentryKey(kRootIno, "f")).ok());
  EXPECT_TRUE(Finds("unreferenced-inode"));
  DentryValue dv{f, S_IFREG};
  ASSERT_TRUE(internal::RawPut(v, Family::kMeta, DentryKey(kRootIno, "f"), EncodeDentry(dv)).ok());
}

TEST_P(FsckTest, BlockPastEndAndWrongBlockCount) {
  Ino f = FileOk(kRootIno, "f", "abc");
  ASSERT_TRUE(internal::RawPut(v, Family::kData, BlockKey(f, 3), "zz").ok());
  EXPECT_TRUE(Finds("block-past-eof"));
  EXPECT_TRUE(Finds("wrong-blocks"));
  ASSERT_TRUE(internal::RawDelete(v, Family::kData, BlockKey(f, 3)).ok());
  EXPECT_TRUE(FsckNow().empty());
}

TEST_P(FsckTest, LostInodeWatermarkIsReportedAndRebuiltFromHighestInode) {
  Ino last = 0;
  for (int i = 0; i < 5; ++i) last = FileOk(kRootIno, "f" + std::to_string(i));
  ASSERT_TRUE(internal::RawDelete(v, Family::kMeta, CounterKey(CounterId::kNextInoLimit)).ok());
  EXPECT_TRUE(Finds("ino-counter"));
  Reopen();
  EXPECT_GT(MkdirOk(kRootIno, "next"), last);
  EXPECT_TRUE(FsckNow().empty());
}

}  // namespace
}  // namespace rpuffs::storage::testing
