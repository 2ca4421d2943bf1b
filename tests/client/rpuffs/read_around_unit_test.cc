// ReadAround's bookkeeping without a mount: what it remembers per file and
// per handle stays bounded, and a handle's writer ends at its release.
#include "client/rpuffs/read_around.h"

#include <gtest/gtest.h>

namespace rpuffs::client {
namespace {

TEST(ReadAroundUnitTest, FilesSeenOnlyInListingsAreBounded) {
  puffs::EventLoop loop;
  ReadAround around(64 << 10, loop, [] { return nullptr; });
  around.WriterOpened(7);  // a file open for writing is never dropped
  for (Ino ino = 100; ino < 100 + ReadAround::kMaxFiles + 5000; ++ino) around.SawAttr(ino, 4096, 1, 0);
  EXPECT_LE(around.tracked_files(), ReadAround::kMaxFiles);
  around.WriterHandle(1, 7);
  around.SawAttr(7, 8192, 2, 0);
  for (Ino ino = 200000; ino < 200000 + ReadAround::kMaxFiles; ++ino) around.SawAttr(ino, 4096, 1, 0);
  EXPECT_LE(around.tracked_files(), ReadAround::kMaxFiles);
  around.HandleClosed(1);
  EXPECT_EQ(around.writer_handles(), 0u);
}

TEST(ReadAroundUnitTest, OnlyHandlesCountedAsWritersEndOne) {
  puffs::EventLoop loop;
  ReadAround around(64 << 10, loop, [] { return nullptr; });
  around.WriterOpened(5);
  around.WriterHandle(10, 5);
  around.HandleClosed(11);  // a reader's handle: nothing to end
  EXPECT_EQ(around.writer_handles(), 1u);
  around.HandleClosed(10);
  around.HandleClosed(10);  // twice: no underflow, nothing left
  EXPECT_EQ(around.writer_handles(), 0u);
  around.Forget(5);  // idle now: forgotten
  EXPECT_EQ(around.tracked_files(), 0u);
}

}  // namespace
}  // namespace rpuffs::client
