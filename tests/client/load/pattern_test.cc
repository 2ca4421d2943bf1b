// The content checker: what a writer writes, a reader verifies without
// having stored it; one flipped byte anywhere is found at its offset.
#include "client/load/pattern.h"

#include <gtest/gtest.h>

namespace rpuffs::load {
namespace {

TEST(Pattern, AnyRangeEqualsTheSameRangeOfTheWhole) {
  std::string whole = Pattern(7, 42, 0, 10000);
  for (uint64_t off : {0, 1, 7, 8, 9, 4095, 4096, 9990}) {
    for (size_t len : {1, 3, 8, 17, 10}) {
      if (off + len > whole.size()) continue;
      EXPECT_EQ(Pattern(7, 42, off, len), whole.substr(off, len)) << off << "+" << len;
    }
  }
}

TEST(Pattern, DependsOnSeedAndFile) {
  EXPECT_NE(Pattern(1, 1, 0, 64), Pattern(2, 1, 0, 64));
  EXPECT_NE(Pattern(1, 1, 0, 64), Pattern(1, 2, 0, 64));
  EXPECT_NE(FileId(1, 0, 5), FileId(1, 1, 5));
  EXPECT_NE(FileId(1, 0, 5), FileId(2, 0, 5));
}

TEST(Pattern, IntactDataHasNoMismatch) {
  std::string data = Pattern(3, 9, 1 << 20, 1 << 20);
  EXPECT_EQ(FirstMismatch(3, 9, 1 << 20, data), -1);
}

TEST(Pattern, FlippedByteIsFoundAtItsOffset) {
  for (size_t at : {size_t{0}, size_t{1}, size_t{4095}, size_t{4096}, size_t{65535}}) {
    std::string data = Pattern(3, 9, 12345, 65536);
    data[at] = static_cast<char>(data[at] ^ 0x01);
    EXPECT_EQ(FirstMismatch(3, 9, 12345, data), static_cast<int64_t>(at));
  }
}

TEST(Pattern, DataOfAnotherFileOrOffsetIsAMismatch) {
  std::string data = Pattern(3, 9, 0, 4096);
  EXPECT_GE(FirstMismatch(3, 10, 0, data), 0);
  EXPECT_GE(FirstMismatch(3, 9, 4096, data), 0);
  EXPECT_GE(FirstMismatch(4, 9, 0, data), 0);
}

}  // namespace
}  // namespace rpuffs::load
