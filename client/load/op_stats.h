// client/load — what one load client measured, per operation label.
//
// StatsTable keeps, for each label a workload uses ("create", "read",
// "shared.stat", ...), the successful count, bytes, a latency histogram
// (nanoseconds, failed calls included), errors by errno, data mismatches,
// stale reads, and the wall-clock window in which the label was active.
// Labels are string literals compared by address first, then by text.
// StatsTable is thread-safe (one mutex; completions of one client run on
// several gRPC threads). It also bumps run-wide atomic counters for the
// live progress line.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "client/load/histogram.h"

namespace rpuffs::load {

struct OpStats {
  uint64_t count = 0;  // successful calls
  uint64_t bytes = 0;  // payload of successful reads and writes
  uint64_t mismatches = 0;
  uint64_t stale = 0;
  std::map<int, uint64_t> errors;  // errno -> calls
  LogHistogram latency_ns;
  uint64_t first_start_ns = UINT64_MAX;
  uint64_t last_end_ns = 0;

  uint64_t error_count() const;
  void Merge(const OpStats& other);
};

// Run-wide counters, read by the progress line and the exit status.
struct Counters {
  std::atomic<uint64_t> ops{0};
  std::atomic<uint64_t> errors{0};
  std::atomic<uint64_t> mismatches{0};
  std::atomic<uint64_t> stale{0};
};

using LabeledStats = std::vector<std::pair<std::string, OpStats>>;

class StatsTable {
 public:
  explicit StatsTable(Counters* counters) : counters_(counters) {}
  void Record(const char* label, uint64_t start_ns, uint64_t end_ns, int err, uint64_t bytes);
  void Mismatch(const char* label);
  void Stale(const char* label);
  // Labels in the order they were first used.
  LabeledStats Snapshot() const;

 private:
  OpStats& Find(const char* label);  // REQUIRES: mu_ held

  Counters* counters_;
  mutable std::mutex mu_;
  std::vector<std::pair<const char*, OpStats>> ops_;
};

// Merges the clients' tables; labels keep their order of first appearance.
LabeledStats MergeStats(const std::vector<LabeledStats>& per_client);

uint64_t NowNs();  // steady clock

}  // namespace rpuffs::load
