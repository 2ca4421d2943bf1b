// LogHistogram: bucket arithmetic, percentiles within the promised error.
#include "client/load/histogram.h"

#include <gtest/gtest.h>

namespace rpuffs::load {
namespace {

TEST(LogHistogram, SmallValuesAreExact) {
  for (uint64_t v = 0; v < 64; ++v) {
    EXPECT_EQ(LogHistogram::BucketOf(v), v);
    EXPECT_EQ(LogHistogram::BucketHigh(v), v);
  }
}

TEST(LogHistogram, BucketsAreContiguousAndBoundTheirValues) {
  uint64_t values[] = {64, 65, 100, 127, 128, 1000, 4095, 4096, 123456789, 1ull << 40, UINT64_MAX};
  for (uint64_t v : values) {
    size_t b = LogHistogram::BucketOf(v);
    EXPECT_GE(LogHistogram::BucketHigh(b), v) << v;
    EXPECT_LT(LogHistogram::BucketHigh(b - 1), v) << v;
    // Within ~3% above the value.
    EXPECT_LE(static_cast<double>(LogHistogram::BucketHigh(b)), static_cast<double>(v) * 1.0313 + 1)
        << v;
  }
}

TEST(LogHistogram, PercentilesOfUniformValues) {
  LogHistogram h;
  for (uint64_t v = 1; v <= 10000; ++v) h.Record(v * 1000);
  EXPECT_EQ(h.count(), 10000u);
  EXPECT_EQ(h.max(), 10000u * 1000);
  struct Case {
    double p;
    double want;
  } cases[] = {{50, 5e6}, {90, 9e6}, {99, 9.9e6}, {99.9, 9.99e6}};
  for (const auto& c : cases) {
    double got = static_cast<double>(h.Percentile(c.p));
    EXPECT_GE(got, c.want) << c.p;
    EXPECT_LE(got, c.want * 1.035) << c.p;
  }
  EXPECT_EQ(h.Percentile(100), h.max());
}

TEST(LogHistogram, MergeAddsCountsAndKeepsMax) {
  LogHistogram a, b;
  a.Record(10);
  b.Record(1'000'000);
  b.Record(20);
  a.Merge(b);
  EXPECT_EQ(a.count(), 3u);
  EXPECT_EQ(a.max(), 1'000'000u);
  EXPECT_EQ(a.Percentile(50), 20u);
}

TEST(LogHistogram, EmptyReportsZero) {
  LogHistogram h;
  EXPECT_EQ(h.Percentile(99), 0u);
  EXPECT_EQ(h.max(), 0u);
}

}  // namespace
}  // namespace rpuffs::load
