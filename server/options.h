// server/options — rpuffsd's command line.
//
// ParseOptions() turns argv into ServerOptions. It prints --help/--version
// output on stdout and a one-line reason on stderr for a bad command line;
// the caller exits with the code it returns. Not thread-safe (call once, from
// main, before anything else runs).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace rpuffs::server {

struct ServerOptions {
  std::string data_dir;                  // --data (required)
  std::string listen = "127.0.0.1:7420"; // --listen HOST:PORT (port 0 = any free port)
  std::string log_level = "info";        // error|warn|info|debug
  std::string token;                     // --token: Hello must present it when non-empty
  uint32_t lease_ms = 60000;             // --lease-ms: session lease
  std::vector<std::string> volumes;      // --volume: created if missing
  uint32_t sync_workers = 2;             // --sync-workers: threads for synced writes
};

// Returns std::nullopt when the server should run (with *out filled), or the
// exit code to leave with at once (0 after --help/--version, 2 on a bad
// command line).
std::optional<int> ParseOptions(int argc, char** argv, ServerOptions* out);

}  // namespace rpuffs::server
