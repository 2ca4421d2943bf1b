// Idempotent retries: a mutation replayed with the same (session, seq)
// returns its first outcome and applies nothing.
#include <fcntl.h>

#include <cerrno>

#include "tests/storage/volume_fixture.h"

namespace rpuffs::storage::testing {
namespace {

class RetryTest : public VolumeTest {};
STORAGE_SUITE(RetryTest);

TEST_P(RetryTest, RetriedCreateReturnsSameAttrNotEEXIST) {
  OpId op{kSession, 1000};
  auto first = v->Create(op, root, kRootIno, "f", 0644, O_CREAT | O_EXCL | O_RDWR);
  ASSERT_TRUE(first.ok());
  auto again = v->Create(op, root, kRootIno, "f", 0644, O_CREAT | O_EXCL | O_RDWR);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->attr.ino, first->attr.ino);
  EXPECT_EQ(again->fh, first->fh);
  EXPECT_EQ(again->attr.ctime, first->attr.ctime);
  EXPECT_TRUE(again->created);
  ASSERT_TRUE(v->Release(kSession, first->fh, false).ok());
}

TEST_P(RetryTest, RetriedUnlinkReturnsZeroAndFailuresReplayToo) {
  FileOk(kRootIno, "f");
  OpId op{kSession, 2000};
  EXPECT_TRUE(v->Unlink(op, root, kRootIno, "f").ok());
  FileOk(kRootIno, "f");  // a new file of the same name must survive the retry
  EXPECT_TRUE(v->Unlink(op, root, kRootIno, "f").ok());
  EXPECT_TRUE(v->Lookup(root, kRootIno, "f").ok());
  OpId failing{kSession, 2001};
  EXPECT_EQ(v->Rmdir(failing, root, kRootIno, "f").err(), ENOTDIR);
  EXPECT_EQ(v->Rmdir(failing, root, kRootIno, "f").err(), ENOTDIR);
}

TEST_P(RetryTest, RetriedAppendAppliesOnceAcrossReopen) {
  Ino f = FileOk(kRootIno, "f", "ab");
  OpId op{kSession, 3000};
  auto w = v->Write(op, root, f, 0, "cd", true);
  ASSERT_TRUE(w.ok());
  Reopen();
  auto again = v->Write(op, root, f, 0, "cd", true);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->count, 2u);
  EXPECT_EQ(again->attr.size, 4u);
  EXPECT_EQ(ReadAll(f), "abcd");
}

TEST_P(RetryTest, AckBelowForgetsOlderRecordsOnly) {
  OpId old_op{kSession, 10}, new_op{kSession, 20};
  ASSERT_TRUE(v->Mkdir(old_op, root, kRootIno, "a", 0755).ok());
  ASSERT_TRUE(v->Mkdir(new_op, root, kRootIno, "b", 0755).ok());
  ASSERT_TRUE(v->AckBelow(kSession, 15).ok());
  EXPECT_EQ(v->Mkdir(old_op, root, kRootIno, "a", 0755).err(), EEXIST);  // forgotten: applies again
  EXPECT_TRUE(v->Mkdir(new_op, root, kRootIno, "b", 0755).ok());         // still remembered
  // Another session's identical seq is a different operation.
  EXPECT_EQ(v->Mkdir(OpId{kSession + 1, 20}, root, kRootIno, "b", 0755).err(), EEXIST);
}

TEST_P(RetryTest, LaterAcksForgetWhatEarlierAcksLeft) {
  OpId a{kSession, 10}, b{kSession, 20}, c{kSession, 30};
  ASSERT_TRUE(v->Mkdir(a, root, kRootIno, "a", 0755).ok());
  ASSERT_TRUE(v->Mkdir(b, root, kRootIno, "b", 0755).ok());
  ASSERT_TRUE(v->Mkdir(c, root, kRootIno, "c", 0755).ok());
  ASSERT_TRUE(v->AckBelow(kSession, 15).ok());
  ASSERT_TRUE(v->AckBelow(kSession, 12).ok());  // an older watermark changes nothing
  EXPECT_TRUE(v->Mkdir(b, root, kRootIno, "b", 0755).ok());  // still remembered
  // The second ack starts where the first stopped and still finds seq 20.
  ASSERT_TRUE(v->AckBelow(kSession, 25).ok());
  EXPECT_EQ(v->Mkdir(b, root, kRootIno, "b", 0755).err(), EEXIST);  // forgotten
  EXPECT_TRUE(v->Mkdir(c, root, kRootIno, "c", 0755).ok());         // remembered
  // After a drop, the session's next records are acked from the start again.
  ASSERT_TRUE(v->DropSession(kSession).ok());
  OpId again{kSession, 5};
  ASSERT_TRUE(v->Mkdir(again, root, kRootIno, "d", 0755).ok());
  ASSERT_TRUE(v->AckBelow(kSession, 8).ok());
  EXPECT_EQ(v->Mkdir(again, root, kRootIno, "d", 0755).err(), EEXIST);
}

TEST_P(RetryTest, DropSessionForgetsItsRetryRecords) {
  ASSERT_TRUE(v->AddSession(kSession).ok());
  OpId op{kSession, 77};
  ASSERT_TRUE(v->Mkdir(op, root, kRootIno, "a", 0755).ok());
  ASSERT_TRUE(v->Mkdir(op, root, kRootIno, "a", 0755).ok());  // replayed
  ASSERT_TRUE(v->DropSession(kSession).ok());
  EXPECT_EQ(v->Mkdir(op, root, kRootIno, "a", 0755).err(), EEXIST);  // applied anew
}

}  // namespace
}  // namespace rpuffs::storage::testing
