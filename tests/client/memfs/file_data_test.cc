// FileData: sparse chunks, holes as zeros, allocation accounting.
#include "client/memfs/file_data.h"

#include <gtest/gtest.h>

#include <string>

namespace rpuffs::memfs {
namespace {

constexpr uint64_t kChunk = FileData::kChunkSize;

std::string ReadRange(const FileData& data, uint64_t offset, size_t size) {
  std::string out = "prefix";
  data.AppendTo(offset, size, &out);
  EXPECT_EQ(out.substr(0, 6), "prefix");
  return out.substr(6);
}

TEST(FileDataTest, WriteAcrossChunkBoundaryReadsBack) {
  ChunkArena arena;
  FileData data(arena);
  const std::string text = "boundary-crossing";
  data.Write(kChunk - 5, text.data(), text.size());
  EXPECT_EQ(ReadRange(data, kChunk - 5, text.size()), text);
  EXPECT_EQ(ReadRange(data, kChunk - 7, 2), std::string(2, '\0'));
  // Two chunks, each rounded to whole 4 KiB blocks.
  EXPECT_EQ(data.allocated_bytes(), kChunk + 4096);
}

TEST(FileDataTest, HolesReadAsZerosAndCostNothing) {
  ChunkArena arena;
  FileData data(arena);
  const uint64_t far = uint64_t{1} << 40;
  data.Write(far, "x", 1);
  EXPECT_EQ(data.allocated_bytes(), 4096u);
  EXPECT_EQ(ReadRange(data, far - 3, 4), std::string(3, '\0') + "x");
  EXPECT_EQ(ReadRange(data, 12345, 100), std::string(100, '\0'));
}

TEST(FileDataTest, TruncateDropsBytesAndAllocation) {
  ChunkArena arena;
  FileData data(arena);
  const std::string big(3 * kChunk, 'a');
  data.Write(0, big.data(), big.size());
  EXPECT_EQ(data.allocated_bytes(), 3 * kChunk);
  data.Truncate(kChunk + 10);
  EXPECT_EQ(data.allocated_bytes(), kChunk + 4096);
  EXPECT_EQ(ReadRange(data, kChunk + 8, 4), std::string("aa") + std::string(2, '\0'));
  data.Truncate(0);
  EXPECT_EQ(data.allocated_bytes(), 0u);
  EXPECT_EQ(ReadRange(data, 0, 4), std::string(4, '\0'));
}

TEST(FileDataTest, PunchHoleZeroesAndFreesWholeChunks) {
  ChunkArena arena;
  FileData data(arena);
  const std::string big(3 * kChunk, 'b');
  data.Write(0, big.data(), big.size());
  data.PunchHole(100, 2 * kChunk);  // part of chunk 0, all of chunk 1, part of chunk 2
  EXPECT_EQ(ReadRange(data, 98, 4), std::string("bb") + std::string(2, '\0'));
  EXPECT_EQ(ReadRange(data, 2 * kChunk + 98, 4), std::string(2, '\0') + "bb");
  EXPECT_EQ(data.allocated_bytes(), 4096 + kChunk);  // chunk 0 cut to 100 bytes, chunk 2 kept
}

TEST(FileDataTest, AllocateAndGrowthAgree) {
  ChunkArena arena;
  FileData data(arena);
  EXPECT_EQ(data.GrowthFor(10, 2 * kChunk), 2 * kChunk + 4096);
  data.Allocate(10, 2 * kChunk);
  EXPECT_EQ(data.allocated_bytes(), kChunk + kChunk + 4096);
  EXPECT_EQ(data.GrowthFor(0, 100), 0u);
  EXPECT_EQ(ReadRange(data, 0, 8), std::string(8, '\0'));
}

}  // namespace
}  // namespace rpuffs::memfs

namespace rpuffs::memfs {
namespace {

TEST(FileDataTest, OverwriteThenExtendWithinAChunk) {
  ChunkArena arena;
  FileData data(arena);
  data.Write(0, "abcdef", 6);
  data.Write(3, "XYZ12345", 8);
  std::string out;
  data.AppendTo(0, 12, &out);
  EXPECT_EQ(out, std::string("abcXYZ12345") + '\0');
  data.Write(20, "gap", 3);  // leaves zeros between 11 and 20
  out.clear();
  data.AppendTo(9, 14, &out);
  EXPECT_EQ(out, std::string("45") + std::string(9, '\0') + "gap");
  EXPECT_EQ(data.allocated_bytes(), 4096u);
}

}  // namespace
}  // namespace rpuffs::memfs
