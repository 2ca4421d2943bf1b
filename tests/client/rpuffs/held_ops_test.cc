// HeldOps: what is held, in which order, and the attributes it predicts.
#include "client/rpuffs/held_ops.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

namespace rpuffs::client {
namespace {

constexpr uint64_t kIno = 42;

v1::Attr FileAttr(uint32_t mode, uint64_t size) {
  v1::Attr a;
  a.set_ino(kIno);
  a.set_mode(S_IFREG | mode);
  a.set_uid(1000);
  a.set_gid(1000);
  a.set_size(size);
  a.mutable_mtime()->set_sec(1);
  return a;
}

v1::WriteRequest Write(uint64_t off, size_t len, uint64_t fh = 7) {
  v1::WriteRequest w;
  w.set_ino(kIno);
  w.set_fh(fh);
  w.set_offset(off);
  w.set_data(std::string(len, 'x'));
  return w;
}

v1::SetAttrRequest SetAttr(uint32_t valid) {
  v1::SetAttrRequest s;
  s.set_ino(kIno);
  s.set_valid(valid);
  return s;
}

HeldOps::Maker Root() { return HeldOps::Maker{0, 0, {}}; }

TEST(HeldOpsTest, OnlyFilesOpenForWritingWithoutSizeChangesAreHeld) {
  HeldOps held;
  EXPECT_FALSE(held.CanHoldSetAttr(kIno, SetAttr(v1::SET_MODE)));  // not open here
  v1::Attr a = FileAttr(0644, 0);
  held.OpenedForWrite(kIno, &a, 7);
  EXPECT_TRUE(held.CanHoldSetAttr(kIno, SetAttr(v1::SET_MODE | v1::SET_UID)));
  EXPECT_FALSE(held.CanHoldSetAttr(kIno, SetAttr(v1::SET_SIZE)));  // truncate goes at once
  EXPECT_EQ(held.WriterFh(kIno), 7u);
  held.ClosedForWrite(kIno, 7);
  EXPECT_FALSE(held.CanHoldSetAttr(kIno, SetAttr(v1::SET_MODE)));
  EXPECT_EQ(held.Shadow(kIno), nullptr);
}

TEST(HeldOpsTest, PredictsSizeFromWritesAndModeOwnerTimesFromSetattrs) {
  HeldOps held;
  v1::Attr a = FileAttr(04755, 10);
  held.OpenedForWrite(kIno, &a, 7);
  held.NoteWrite(kIno, 0, 100, false, /*by_root=*/false);
  ASSERT_NE(held.Shadow(kIno), nullptr);
  EXPECT_EQ(held.Shadow(kIno)->size(), 100u);
  EXPECT_EQ(held.Shadow(kIno)->mode() & 07777, 0755u);  // a non-root write drops suid
  held.NoteWrite(kIno, 0, 5, /*append=*/true, true);
  EXPECT_EQ(held.Shadow(kIno)->size(), 105u);
  held.NoteWrite(kIno, 10, 5, false, true);
  EXPECT_EQ(held.Shadow(kIno)->size(), 105u);  // inside: no growth

  v1::SetAttrRequest chmod = SetAttr(v1::SET_MODE);
  chmod.set_mode(06755);
  v1::Attr p = held.HoldSetAttr(chmod, Root(), 7);
  EXPECT_EQ(p.mode(), static_cast<uint32_t>(S_IFREG | 06755));
  v1::SetAttrRequest chown = SetAttr(v1::SET_UID | v1::SET_GID);
  chown.set_uid(5);
  chown.set_gid(6);
  p = held.HoldSetAttr(chown, Root(), 7);
  EXPECT_EQ(p.uid(), 5u);
  EXPECT_EQ(p.gid(), 6u);
  EXPECT_EQ(p.mode() & 07777, 0755u);  // chown clears suid and (group-exec) sgid, by root too
  v1::SetAttrRequest times = SetAttr(v1::SET_MTIME | v1::SET_ATIME);
  times.mutable_mtime()->set_sec(12345);
  times.mutable_atime()->set_sec(777);
  p = held.HoldSetAttr(times, Root(), 7);
  EXPECT_EQ(p.mtime().sec(), 12345);
  EXPECT_EQ(p.atime().sec(), 777);
  EXPECT_EQ(p.size(), 105u);
}

TEST(HeldOpsTest, ChmodByANonMemberOfTheGroupDropsSgid) {
  HeldOps held;
  v1::Attr a = FileAttr(0644, 0);
  held.OpenedForWrite(kIno, &a, 7);
  v1::SetAttrRequest chmod = SetAttr(v1::SET_MODE);
  chmod.set_mode(02755);
  EXPECT_EQ(held.HoldSetAttr(chmod, HeldOps::Maker{1000, 2000, {3000}}, 7).mode() & 07777, 0755u);
  EXPECT_EQ(held.HoldSetAttr(chmod, HeldOps::Maker{1000, 2000, {1000}}, 7).mode() & 07777, 02755u);
}

TEST(HeldOpsTest, TakeReturnsEverythingInOrderWithTheHandlesToBlame) {
  HeldOps held;
  v1::Attr a = FileAttr(0644, 0);
  held.OpenedForWrite(kIno, &a, 7);
  held.HoldWrite(Write(0, 10));
  held.HoldSetAttr(SetAttr(v1::SET_MODE), Root(), 9);
  v1::ReleaseRequest rel;
  rel.set_ino(kIno);
  rel.set_fh(7);
  held.HoldRelease(rel);
  std::vector<uint64_t> owners;
  v1::BatchRequest b = held.Take(&owners);
  ASSERT_EQ(b.ops_size(), 3);
  EXPECT_TRUE(b.ops(0).has_write());
  EXPECT_TRUE(b.ops(1).has_setattr());
  EXPECT_TRUE(b.ops(2).has_release());
  EXPECT_EQ(owners, (std::vector<uint64_t>{7, 9, 0}));
  EXPECT_TRUE(held.empty());
  EXPECT_FALSE(held.HasChanges());
}

TEST(HeldOpsTest, ReleasesAloneAreNoChangeAndFillUpAtTheBatchSize) {
  HeldOps held;
  for (size_t i = 0; i + 1 < HeldOps::kReleaseBatch; ++i) held.HoldRelease(v1::ReleaseRequest());
  EXPECT_FALSE(held.HasChanges());
  EXPECT_FALSE(held.ReleasesFull());
  held.HoldRelease(v1::ReleaseRequest());
  EXPECT_TRUE(held.ReleasesFull());
}

TEST(HeldOpsTest, WritesAreHeldWithinTheBounds) {
  HeldOps held;
  EXPECT_FALSE(held.CanHoldWrite(Write(0, HeldOps::kMaxHeldWrite + 1)));
  size_t n = 0;
  while (held.CanHoldWrite(Write(n * HeldOps::kMaxHeldWrite, HeldOps::kMaxHeldWrite)) && n < 1000) {
    held.HoldWrite(Write(n * HeldOps::kMaxHeldWrite, HeldOps::kMaxHeldWrite));
    ++n;
  }
  EXPECT_EQ(n, HeldOps::kMaxBatchBytes / HeldOps::kMaxHeldWrite - 1);  // headers take the last slot
  EXPECT_TRUE(held.HasChanges());
}

// The batch must stay under rpuffsd's message limit even when every op's
// header lists many supplementary groups.
TEST(HeldOpsTest, TheBatchStaysUnderTheMessageLimitWhateverTheHeaders) {
  HeldOps held;
  v1::WriteRequest w = Write(0, 4096);
  for (int g = 0; g < 100; ++g) w.mutable_hdr()->mutable_cred()->add_groups(100000 + g);
  w.mutable_hdr()->mutable_cred()->set_uid(123456);
  size_t n = 0;
  while (held.CanHoldWrite(w) && n < 10000) {
    held.HoldWrite(w);
    ++n;
  }
  EXPECT_GT(n, 100u);
  std::vector<uint64_t> owners;
  v1::BatchRequest b = held.Take(&owners);
  b.set_sync(true);
  EXPECT_LE(b.ByteSizeLong(), static_cast<size_t>(HeldOps::kMaxBatchBytes));
}

TEST(HeldOpsTest, ServerRepliesReplaceTheShadowOnlyWhenNothingIsHeldForTheFile) {
  HeldOps held;
  v1::Attr a = FileAttr(0644, 0);
  held.OpenedForWrite(kIno, &a, 7);
  held.HoldWrite(Write(0, 50));
  held.NoteWrite(kIno, 0, 50, false, true);
  held.Refresh(FileAttr(0600, 0));  // older than the held write
  EXPECT_EQ(held.Shadow(kIno)->size(), 50u);
  std::vector<uint64_t> owners;
  held.Take(&owners);
  held.Refresh(FileAttr(0600, 50));
  EXPECT_EQ(held.Shadow(kIno)->mode() & 07777, 0600u);
}

}  // namespace
}  // namespace rpuffs::client
