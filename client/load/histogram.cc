#include "client/load/histogram.h"

#include <algorithm>
#include <cmath>

namespace rpuffs::load {

size_t LogHistogram::BucketOf(uint64_t value) {
  int msb = 63 - __builtin_clzll(value | 1);
  int shift = std::max(0, msb - kSubBits);
  return (static_cast<size_t>(shift) << kSubBits) + static_cast<size_t>(value >> shift);
}

uint64_t LogHistogram::BucketHigh(size_t bucket) {
  constexpr size_t kExact = size_t{2} << kSubBits;  // buckets below hold one value each
  if (bucket < kExact) return bucket;
  size_t shift = (bucket >> kSubBits) - 1;
  uint64_t sub = bucket - (shift << kSubBits);
  if (shift + 6 >= 64 && sub + 1 == 64) return UINT64_MAX;  // the top bucket's bound overflows
  return ((sub + 1) << shift) - 1;
}

void LogHistogram::Record(uint64_t value) {
  size_t b = BucketOf(value);
  if (b >= buckets_.size()) buckets_.resize(b + 1, 0);
  ++buckets_[b];
  ++count_;
  max_ = std::max(max_, value);
}

void LogHistogram::Merge(const LogHistogram& other) {
  if (other.buckets_.size() > buckets_.size()) buckets_.resize(other.buckets_.size(), 0);
  for (size_t i = 0; i < other.buckets_.size(); ++i) buckets_[i] += other.buckets_[i];
  count_ += other.count_;
  max_ = std::max(max_, other.max_);
}

uint64_t LogHistogram::Percentile(double percent) const {
  if (count_ == 0) return 0;
  double want = std::ceil(percent / 100.0 * static_cast<double>(count_));
  uint64_t rank = std::max<uint64_t>(1, static_cast<uint64_t>(want));
  uint64_t seen = 0;
  for (size_t b = 0; b < buckets_.size(); ++b) {
    seen += buckets_[b];
    if (seen >= rank) return std::min(BucketHigh(b), max_);
  }
  return max_;
}

}  // namespace rpuffs::load
