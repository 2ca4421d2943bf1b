// Block patches (storage/block_patch.h): how an extent changes a block, and
// that RocksDB's merge gives the same bytes as applying the patches in order.
#include "storage/block_patch.h"

#include <gtest/gtest.h>
#include <rocksdb/db.h>

#include <deque>
#include <string>
#include <vector>

namespace rpuffs::storage {
namespace {

std::string Patch(uint32_t offset, const std::string& bytes) {
  std::string p;
  AppendPatch(&p, offset, bytes);
  return p;
}

TEST(BlockPatchTest, OverwritesInsideTheBlock) {
  std::string block = "abcdefgh";
  ASSERT_TRUE(ApplyPatch(Patch(2, "XY"), &block, 64));
  EXPECT_EQ(block, "abXYefgh");
}

TEST(BlockPatchTest, ZeroFillsTheGapPastTheOldEnd) {
  std::string block = "ab";
  ASSERT_TRUE(ApplyPatch(Patch(5, "Z"), &block, 64));
  EXPECT_EQ(block, std::string("ab\0\0\0Z", 6));
}

TEST(BlockPatchTest, NeverShortensABlock) {
  std::string block = "abcdefgh";
  ASSERT_TRUE(ApplyPatch(Patch(0, "X"), &block, 64));
  EXPECT_EQ(block, "Xbcdefgh");
}

TEST(BlockPatchTest, AppliesExtentsInOrder) {
  std::string p = Patch(0, "aaaa");
  AppendPatch(&p, 2, "bb");
  AppendPatch(&p, 3, "c");
  std::string block;
  ASSERT_TRUE(ApplyPatch(p, &block, 64));
  EXPECT_EQ(block, "aabc");
}

TEST(BlockPatchTest, RejectsMalformedOrOversizedPatches) {
  std::string block = "abc";
  std::string truncated = Patch(0, "hello");
  truncated.pop_back();
  EXPECT_FALSE(ApplyPatch(truncated, &block, 64));
  EXPECT_FALSE(ApplyPatch(std::string("\x01\x00\x00", 3), &block, 64));  // short header
  EXPECT_FALSE(ApplyPatch(Patch(60, "too long"), &block, 64));
  EXPECT_TRUE(ApplyPatch(Patch(56, "fits ok!"), &block, 64));
  EXPECT_EQ(block.size(), 64u);
}

TEST(BlockPatchTest, HeaderPlusBytesIsOneExtent) {
  std::string a = PatchHeader(3, 2) + "xy";
  EXPECT_EQ(a, Patch(3, "xy"));
}

TEST(BlockPatchTest, CoalescedPatchesStayBlockSizedAndChangeTheSame) {
  std::string many;
  for (int i = 0; i < 1000; ++i) AppendPatch(&many, (i * 37) % 4000, std::string(100, static_cast<char>('a' + i % 26)));
  AppendPatch(&many, 9000, "tail");  // a gap between 4099 and 9000 stays uncovered
  std::string once;
  ASSERT_TRUE(Coalesce(many, &once));
  EXPECT_LE(once.size(), 4100u + 4 + 2 * 8);
  for (std::string base : {std::string(), std::string(5000, 'x'), std::string(20000, 'y')}) {
    std::string a = base, b = base;
    ASSERT_TRUE(ApplyPatch(many, &a, 1 << 20));
    ASSERT_TRUE(ApplyPatch(once, &b, 1 << 20));
    EXPECT_TRUE(a == b) << "base of " << base.size() << " bytes";
  }
  std::string bad = many.substr(0, many.size() - 1);
  EXPECT_FALSE(Coalesce(bad, &once));
}

// The operator as RocksDB calls it: a full merge ignores whatever the output
// string held before (RocksDB 7.8's iterator reuses it), and a partial merge
// of several operands equals applying them one by one.
TEST(BlockPatchTest, OperatorFullAndPartialMergeAgree) {
  auto op = NewBlockPatchOperator();
  std::vector<std::string> operands = {Patch(1, "abc"), Patch(6, "z"), Patch(0, "Q")};
  rocksdb::Slice base("0123456789");
  std::vector<rocksdb::Slice> slices(operands.begin(), operands.end());

  std::string full = "left over from an earlier key, longer than the block";
  rocksdb::Slice existing_operand;
  rocksdb::MergeOperator::MergeOperationOutput out(full, existing_operand);
  ASSERT_TRUE(op->FullMergeV2(rocksdb::MergeOperator::MergeOperationInput("k", &base, slices, nullptr), &out));
  EXPECT_EQ(full, "Qabc45z789");

  std::deque<rocksdb::Slice> deque(slices.begin(), slices.end());
  std::string combined = "stale";
  ASSERT_TRUE(op->PartialMergeMulti("k", deque, &combined, nullptr));
  std::string block = base.ToString();
  ASSERT_TRUE(ApplyPatch(combined, &block, 64));
  EXPECT_EQ(block, full);

  std::string from_nothing = "stale bytes";
  rocksdb::MergeOperator::MergeOperationOutput out2(from_nothing, existing_operand);
  ASSERT_TRUE(op->FullMergeV2(rocksdb::MergeOperator::MergeOperationInput("k", nullptr, slices, nullptr), &out2));
  EXPECT_EQ(from_nothing, std::string("Qabc\0\0z", 7));
}

}  // namespace
}  // namespace rpuffs::storage
