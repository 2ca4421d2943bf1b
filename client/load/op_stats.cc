#include "client/load/op_stats.h"

#include <algorithm>
#include <chrono>
#include <cstring>

namespace rpuffs::load {

uint64_t NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

uint64_t OpStats::error_count() const {
  uint64_t n = 0;
  for (const auto& [err, calls] : errors) n += calls;
  return n;
}

void OpStats::Merge(const OpStats& other) {
  count += other.count;
  bytes += other.bytes;
  mismatches += other.mismatches;
  stale += other.stale;
  for (const auto& [err, calls] : other.errors) errors[err] += calls;
  latency_ns.Merge(other.latency_ns);
  first_start_ns = std::min(first_start_ns, other.first_start_ns);
  last_end_ns = std::max(last_end_ns, other.last_end_ns);
}

OpStats& StatsTable::Find(const char* label) {
  for (auto& [name, stats] : ops_) {
    if (name == label || std::strcmp(name, label) == 0) return stats;
  }
  ops_.emplace_back(label, OpStats{});
  return ops_.back().second;
}

void StatsTable::Record(const char* label, uint64_t start_ns, uint64_t end_ns, int err,
                        uint64_t bytes) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    OpStats& s = Find(label);
    s.latency_ns.Record(end_ns - start_ns);
    s.first_start_ns = std::min(s.first_start_ns, start_ns);
    s.last_end_ns = std::max(s.last_end_ns, end_ns);
    if (err == 0) {
      ++s.count;
      s.bytes += bytes;
    } else {
      ++s.errors[err];
    }
  }
  counters_->ops.fetch_add(1, std::memory_order_relaxed);
  if (err != 0) counters_->errors.fetch_add(1, std::memory_order_relaxed);
}

void StatsTable::Mismatch(const char* label) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    ++Find(label).mismatches;
  }
  counters_->mismatches.fetch_add(1, std::memory_order_relaxed);
}

void StatsTable::Stale(const char* label) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    ++Find(label).stale;
  }
  counters_->stale.fetch_add(1, std::memory_order_relaxed);
}

LabeledStats StatsTable::Snapshot() const {
  std::lock_guard<std::mutex> lock(mu_);
  LabeledStats out;
  for (const auto& [name, stats] : ops_) out.emplace_back(name, stats);
  return out;
}

LabeledStats MergeStats(const std::vector<LabeledStats>& per_client) {
  LabeledStats out;
  for (const auto& table : per_client) {
    for (const auto& [name, stats] : table) {
      auto it =
          std::find_if(out.begin(), out.end(), [&](const auto& e) { return e.first == name; });
      if (it == out.end()) {
        out.emplace_back(name, stats);
      } else {
        it->second.Merge(stats);
      }
    }
  }
  return out;
}

}  // namespace rpuffs::load
