#include <fcntl.h>

#include <cerrno>

#include "tests/storage/volume_fixture.h"

namespace rpuffs::storage::testing {
namespace {

class OpenTest : public VolumeTest {};
STORAGE_SUITE(OpenTest);

TEST_P(OpenTest, AccessModeTable) {
  Ino wo = FileOk(kRootIno, "wo", "", 0200, alice);
  Ino ro = FileOk(kRootIno, "ro", "", 0444, alice);
  Ino d = MkdirOk(kRootIno, "d");
  auto link = v->Symlink(Op(), root, kRootIno, "l", "wo");
  ASSERT_TRUE(link.ok());
  struct Case {
    Ino ino;
    Caller caller;
    uint32_t flags;
    int err;
  } cases[] = {
      {wo, alice, O_WRONLY, 0},   {wo, alice, O_RDONLY, EACCES}, {wo, alice, O_RDWR, EACCES},
      {ro, alice, O_RDONLY, 0},   {ro, alice, O_WRONLY, EACCES}, {ro, alice, O_RDONLY | O_TRUNC, EACCES},
      {ro, bob, O_RDONLY, 0},     {ro, root, O_RDWR, 0},         {d, root, O_RDONLY, 0},
      {d, root, O_RDWR, EISDIR},  {link->ino, root, O_RDONLY, ELOOP}, {424242, root, O_RDONLY, ESTALE},
  };
  for (const auto& c : cases) {
    auto r = v->Open(Op(), c.caller, c.ino, c.flags);
    EXPECT_EQ(r.err(), c.err) << "ino " << c.ino << " flags " << c.flags << " uid " << c.caller.uid;
    if (r.ok()) {
      EXPECT_TRUE(v->Release(kSession, r->fh, false).ok());
    }
  }
}

TEST_P(OpenTest, TruncateOnOpenEmptiesFileAndUpdatesTimes) {
  Ino f = FileOk(kRootIno, "f", std::string(100000, 'q'));
  Attr before = AttrOk(f);
  auto r = v->Open(Op(), root, f, O_WRONLY | O_TRUNC);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->attr.size, 0u);
  EXPECT_EQ(r->attr.blocks, 0u);
  EXPECT_FALSE(r->attr.mtime < before.mtime);
  EXPECT_TRUE(v->Release(kSession, r->fh, true).ok());
  EXPECT_EQ(ReadAll(f), "");
}

TEST_P(OpenTest, FsyncAndSyncedReleaseSucceed) {
  Ino f = FileOk(kRootIno, "f");
  uint64_t fh = OpenOk(f, O_RDWR);
  ASSERT_TRUE(v->Write(Op(), root, f, 0, "durable", false).ok());
  EXPECT_TRUE(v->Fsync(f).ok());
  EXPECT_EQ(v->Fsync(999999).err(), ESTALE);
  EXPECT_TRUE(v->Release(kSession, fh, true).ok());
  Reopen();
  EXPECT_EQ(ReadAll(f), "durable");
}

TEST_P(OpenTest, HandlesSurviveReopenOnlyForRecordedSessions) {
  ASSERT_TRUE(v->AddSession(kSession).ok());
  Ino f = FileOk(kRootIno, "f");
  uint64_t kept = OpenOk(f, O_RDONLY);
  auto other = v->Open(OpId{99, 0}, root, f, O_RDONLY);
  ASSERT_TRUE(other.ok());
  Reopen();
  EXPECT_TRUE(v->Release(kSession, kept, false).ok());
  EXPECT_EQ(v->Release(99, other->fh, false).err(), EBADF);
  // New handles never reuse a number still recorded.
  uint64_t fresh = OpenOk(f, O_RDONLY);
  EXPECT_GT(fresh, kept);
  EXPECT_TRUE(v->Release(kSession, fresh, false).ok());
}

}  // namespace
}  // namespace rpuffs::storage::testing
