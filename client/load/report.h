// client/load — the results of a run, as a table for people (stdout) and as
// JSON for scripts (--json). Both show, per operation label: count of
// successful calls, ops/s and MB/s (10^6 bytes) over the wall-clock window in
// which the label was active, latency p50/p90/p99/p99.9/max in microseconds
// (from the histogram, failed calls included), errors by errno name, data
// mismatches and stale reads. The JSON adds the run's parameters. Pure
// formatting: no locks, call after the run.
#pragma once

#include <cstdio>
#include <string>

#include "client/load/flags.h"
#include "client/load/op_stats.h"

namespace rpuffs::load {

struct Summary {
  const LoadOptions* options = nullptr;
  double duration_cap_s = 0;
  double elapsed_s = 0;
  bool deadline_hit = false;
  LabeledStats ops;
  uint64_t calls = 0;
  uint64_t errors = 0;
  uint64_t mismatches = 0;
  uint64_t stale = 0;

  bool clean() const { return errors == 0 && mismatches == 0 && stale == 0; }
};

void PrintTable(std::FILE* out, const Summary& s);
std::string ToJson(const Summary& s);
// False (and *why) when the file cannot be written.
bool WriteJson(const std::string& path, const Summary& s, std::string* why);

// "ENOENT:3 EIO:1", or "-" when there are none.
std::string ErrorsText(const OpStats& op);

}  // namespace rpuffs::load
