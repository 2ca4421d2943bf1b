// Unlinked-but-open inodes across restarts and session ends.
#include <fcntl.h>

#include <cerrno>

#include "tests/storage/volume_fixture.h"

namespace rpuffs::storage::testing {
namespace {

class OrphanTest : public VolumeTest {};
STORAGE_SUITE(OrphanTest);

TEST_P(OrphanTest, ReclaimedAfterReopenWhenNoSessionHoldsIt) {
  Ino f = FileOk(kRootIno, "f", std::string(100000, 'z'));
  OpenOk(f, O_RDONLY);  // session kSession, never recorded with AddSession
  ASSERT_TRUE(v->Unlink(Op(), root, kRootIno, "f").ok());
  EXPECT_EQ(ReadAll(f).size(), 100000u);
  Reopen();
  EXPECT_EQ(v->GetAttr(f).err(), ESTALE);
  EXPECT_EQ(v->Statfs()->ffree, v->Statfs()->files - 1);  // only the root left
}

TEST_P(OrphanTest, KeptAcrossReopenWhileRecordedSessionHoldsIt) {
  ASSERT_TRUE(v->AddSession(kSession).ok());
  Ino f = FileOk(kRootIno, "f", "alive");
  uint64_t fh = OpenOk(f, O_RDONLY);
  ASSERT_TRUE(v->Unlink(Op(), root, kRootIno, "f").ok());
  Reopen();
  EXPECT_EQ(ReadAll(f), "alive");
  auto sessions = v->ListSessions();
  ASSERT_TRUE(sessions.ok());
  EXPECT_EQ(sessions.value(), std::vector<uint64_t>{kSession});
  ASSERT_TRUE(v->Release(kSession, fh, true).ok());
  EXPECT_EQ(v->GetAttr(f).err(), ESTALE);
}

TEST_P(OrphanTest, DropSessionReleasesHandlesAndReclaims) {
  ASSERT_TRUE(v->AddSession(kSession).ok());
  Ino f = FileOk(kRootIno, "f", "x");
  Ino g = FileOk(kRootIno, "g", "y");
  uint64_t fh1 = OpenOk(f, O_RDONLY);
  OpenOk(f, O_RDWR);
  OpenOk(g, O_RDONLY);
  ASSERT_TRUE(v->Unlink(Op(), root, kRootIno, "f").ok());
  ASSERT_TRUE(v->DropSession(kSession).ok());
  EXPECT_EQ(v->GetAttr(f).err(), ESTALE);
  EXPECT_TRUE(v->GetAttr(g).ok());
  EXPECT_EQ(v->Release(kSession, fh1, false).err(), EBADF);
  EXPECT_TRUE(v->ListSessions()->empty());
  EXPECT_TRUE(v->DropSession(12345).ok());
}

TEST_P(OrphanTest, RenameOverOpenFileKeepsItReadable) {
  Ino victim = FileOk(kRootIno, "victim", "old");
  FileOk(kRootIno, "new", "new");
  uint64_t fh = OpenOk(victim, O_RDONLY);
  ASSERT_TRUE(v->Rename(Op(), root, kRootIno, "new", kRootIno, "victim", 0).ok());
  EXPECT_EQ(ReadAll(victim), "old");
  ASSERT_TRUE(v->Release(kSession, fh, false).ok());
  EXPECT_EQ(v->GetAttr(victim).err(), ESTALE);
}

}  // namespace
}  // namespace rpuffs::storage::testing
