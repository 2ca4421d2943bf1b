// client/load — rpuffs-load's command line.
//
// ParseFlags() fills LoadOptions from argv. It prints --help on stdout and
// a one-line reason on stderr for a bad command line; the caller exits with
// the code it returns. Not thread-safe (call once, from main).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace rpuffs::load {

struct LoadOptions {
  std::string server;               // HOST:PORT[/VOLUME]; or:
  std::vector<std::string> mounts;  // mounted directories (client i uses mounts[i % n])
  std::string token;                // rpuffsd --token
  uint32_t clients = 1;
  std::string workload;
  double duration_s = 0;  // 0: the workload's default (see EffectiveDuration)
  uint64_t ops = 0;       // per client (or per pair); 0: workload default / until duration
  std::string json_path;
  uint64_t seed = 1;
  uint64_t files_per_client = 0;   // 0: workload default
  uint64_t file_size = 0;          // bytes; 0: workload default
  std::string mix;                 // "op=weight,..." (randio, mixed)
  uint32_t window = 16;            // operations (tasks) in flight per client
  bool inject_corruption = false;  // hidden: flip one byte of the first data write
};

// Seconds the run may last: --duration, else 10 s for open-ended workloads
// run without --ops, else 300 s.
double EffectiveDuration(const LoadOptions& o, bool open_ended);

// std::nullopt: run with *out filled; otherwise the exit code (0 after
// --help, 2 for a bad command line).
std::optional<int> ParseFlags(int argc, char** argv, LoadOptions* out);

// Parses a byte count with an optional K/M/G suffix (powers of 1024).
bool ParseSize(const std::string& text, uint64_t* out);

}  // namespace rpuffs::load
