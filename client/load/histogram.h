// client/load — LogHistogram: an HDR-style latency histogram.
//
// Values (nanoseconds here, but any uint64) fall into log-linear buckets:
// exact below 64, then 32 linear sub-buckets per power of two, so a reported
// percentile is at most ~3% above the true value (never below it). Buckets
// are allocated as values arrive. Not thread-safe: one writer, or a lock.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace rpuffs::load {

class LogHistogram {
 public:
  static constexpr int kSubBits = 5;

  void Record(uint64_t value);
  void Merge(const LogHistogram& other);

  uint64_t count() const { return count_; }
  uint64_t max() const { return max_; }
  // The smallest bucket bound at or below which `percent` (0..100] of the
  // values lie, capped at max(); 0 when empty.
  uint64_t Percentile(double percent) const;

  // Bucket arithmetic, exposed for tests.
  static size_t BucketOf(uint64_t value);
  static uint64_t BucketHigh(size_t bucket);  // largest value in the bucket

 private:
  std::vector<uint64_t> buckets_;
  uint64_t count_ = 0;
  uint64_t max_ = 0;
};

}  // namespace rpuffs::load
