// tests/client/load — running the rpuffs-load binary and reading its JSON.
//
// RunLoadTool() runs build/client/load/rpuffs-load with `args` (plus --json
// into `dir` when with_json), waits up to two minutes, and returns the exit
// code (-1 on signal or timeout), the combined stdout/stderr and the JSON.
// The JSON readers rely on the key order report.cc writes.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "tests/support/test_support.h"

namespace rpuffs::testing {

struct LoadResult {
  int code = -1;
  std::string output;
  std::string json;
};

LoadResult RunLoadTool(const std::vector<std::string>& args, const TempDir& dir,
                       bool with_json = true);

// "count" of the operation labelled `op`, or -1 when the JSON has no such op.
int64_t OpCount(const std::string& json, const std::string& op);
// A numeric field of "totals" ("calls", "errors", "mismatches", "stale_reads").
int64_t Total(const std::string& json, const std::string& key);
bool HasKey(const std::string& json, const std::string& key);

}  // namespace rpuffs::testing
