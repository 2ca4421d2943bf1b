// ChunkArena and FileData over it: memory given back, reused slots read as
// zeros, bytes dropped by a shrink never reappear.
#include "client/memfs/chunk_arena.h"

#include <gtest/gtest.h>

#include <string>

#include "client/memfs/file_data.h"

namespace rpuffs::memfs {
namespace {

constexpr uint64_t kSlot = ChunkArena::kSlotSize;

std::string ReadAll(const FileData& data, uint64_t offset, size_t size) {
  std::string out;
  EXPECT_EQ(data.AppendTo(offset, size, &out), 0);
  return out;
}

TEST(ChunkArenaTest, NewSlotReadsAsZerosAndWritesReadBack) {
  ChunkArena arena;
  uint64_t a = 0, b = 0;
  ASSERT_EQ(arena.Alloc(&a), 0);
  ASSERT_EQ(arena.Alloc(&b), 0);
  EXPECT_NE(a, b);
  std::string buf(100, 'x');
  ASSERT_EQ(arena.Read(ChunkArena::Offset(b), buf.data(), buf.size()), 0);
  EXPECT_EQ(buf, std::string(100, '\0'));
  ASSERT_EQ(arena.Write(ChunkArena::Offset(a) + 10, "hello", 5), 0);
  ASSERT_EQ(arena.Read(ChunkArena::Offset(a) + 8, buf.data(), 9), 0);
  EXPECT_EQ(buf.substr(0, 9), std::string(2, '\0') + "hello" + std::string(2, '\0'));
}

TEST(ChunkArenaTest, FreedSlotIsReusedZeroedAndItsMemoryReturned) {
  ChunkArena arena;
  uint64_t slot = 0;
  ASSERT_EQ(arena.Alloc(&slot), 0);
  const std::string full(kSlot, 'q');
  ASSERT_EQ(arena.Write(ChunkArena::Offset(slot), full.data(), full.size()), 0);
  EXPECT_GE(arena.allocated_bytes(), kSlot);
  arena.Free(slot, kSlot);
  EXPECT_EQ(arena.allocated_bytes(), 0u);
  EXPECT_EQ(arena.free_slots(), 1u);
  uint64_t again = 0;
  ASSERT_EQ(arena.Alloc(&again), 0);
  EXPECT_EQ(again, slot);
  std::string buf(kSlot, 'x');
  ASSERT_EQ(arena.Read(ChunkArena::Offset(again), buf.data(), buf.size()), 0);
  EXPECT_EQ(buf, std::string(kSlot, '\0'));
}

TEST(ChunkArenaTest, ReserveBacksTheRangeWithMemory) {
  ChunkArena arena;
  uint64_t slot = 0;
  ASSERT_EQ(arena.Alloc(&slot), 0);
  ASSERT_EQ(arena.Reserve(ChunkArena::Offset(slot), kSlot), 0);
  EXPECT_GE(arena.allocated_bytes(), kSlot);
}

TEST(FileDataArenaTest, RemovedFileGivesItsMemoryBack) {
  ChunkArena arena;
  {
    FileData data(arena);
    const std::string big(4 * kSlot + 123, 'm');
    ASSERT_EQ(data.Write(0, big.data(), big.size()), 0);
    EXPECT_GE(arena.allocated_bytes(), 4 * kSlot);
    EXPECT_EQ(ReadAll(data, 0, big.size()), big);  // one read over consecutive slots
  }
  EXPECT_EQ(arena.allocated_bytes(), 0u);
  EXPECT_EQ(arena.free_slots(), 5u);
}

TEST(FileDataArenaTest, ShrinkThenGrowNeverShowsTheOldBytes) {
  ChunkArena arena;
  FileData data(arena);
  const std::string big(kSlot, 'o');
  ASSERT_EQ(data.Write(0, big.data(), big.size()), 0);
  data.Truncate(100);
  // Extending the chunk past the cut: the dropped bytes must read as zeros.
  ASSERT_EQ(data.Write(kSlot - 1, "z", 1), 0);
  const std::string back = ReadAll(data, 0, kSlot);
  EXPECT_EQ(back.substr(0, 100), std::string(100, 'o'));
  EXPECT_EQ(back.substr(100, kSlot - 101), std::string(kSlot - 101, '\0'));
  EXPECT_EQ(back.back(), 'z');
}

TEST(FileDataArenaTest, ReusedSlotsOfAnotherFileReadAsZeros) {
  ChunkArena arena;
  {
    FileData old(arena);
    const std::string secret(2 * kSlot, 's');
    ASSERT_EQ(old.Write(0, secret.data(), secret.size()), 0);
  }
  FileData data(arena);
  ASSERT_EQ(data.Write(kSlot - 1, "ab", 2), 0);  // takes both freed slots
  ASSERT_EQ(data.Allocate(0, 2 * kSlot), 0);
  const std::string back = ReadAll(data, 0, 2 * kSlot);
  EXPECT_EQ(back.find('s'), std::string::npos);
  EXPECT_EQ(back.substr(kSlot - 1, 2), "ab");
}

TEST(FileDataArenaTest, PunchedRangeReadsAsZerosAndWholeSlotsAreFreed) {
  ChunkArena arena;
  FileData data(arena);
  const std::string big(3 * kSlot, 'p');
  ASSERT_EQ(data.Write(0, big.data(), big.size()), 0);
  data.PunchHole(kSlot, kSlot);  // exactly the middle chunk
  EXPECT_EQ(arena.free_slots(), 1u);
  data.PunchHole(10, 20);  // inside the first chunk
  const std::string back = ReadAll(data, 0, 3 * kSlot);
  EXPECT_EQ(back.substr(0, 10), std::string(10, 'p'));
  EXPECT_EQ(back.substr(10, 20), std::string(20, '\0'));
  EXPECT_EQ(back.substr(30, kSlot - 30), std::string(kSlot - 30, 'p'));
  EXPECT_EQ(back.substr(kSlot, kSlot), std::string(kSlot, '\0'));
  EXPECT_EQ(back.substr(2 * kSlot), std::string(kSlot, 'p'));
}

}  // namespace
}  // namespace rpuffs::memfs
