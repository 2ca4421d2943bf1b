#include "server/options.h"

#include <cstdio>

#include <CLI/CLI.hpp>

namespace rpuffs::server {
namespace {

// HOST:PORT with a numeric port 0..65535; HOST may be a bracketed IPv6 literal.
std::string CheckListen(const std::string& s) {
  auto colon = s.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == s.size()) return "expected HOST:PORT";
  std::string port = s.substr(colon + 1);
  if (port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos ||
      std::stoul(port) > 65535) {
    return "bad port '" + port + "'";
  }
  return {};
}

}  // namespace

std::optional<int> ParseOptions(int argc, char** argv, ServerOptions* out) {
  CLI::App app{"rpuffsd: serves the rpuffs volumes stored in a data directory over gRPC", "rpuffsd"};
  app.set_version_flag("--version", std::string("rpuffsd ") + RPUFFS_VERSION);
  app.add_option("--data", out->data_dir, "data directory holding the volumes (created if missing)")
      ->required();
  app.add_option("--listen", out->listen, "HOST:PORT to listen on")
      ->capture_default_str()
      ->check(CLI::Validator(CheckListen, "HOST:PORT"));
  app.add_option("--log-level", out->log_level, "error|warn|info|debug")
      ->capture_default_str()
      ->check(CLI::IsMember({"error", "warn", "info", "debug"}));
  app.add_option("--token", out->token, "shared secret every client's Hello must present");
  app.add_option("--lease-ms", out->lease_ms, "session lease in milliseconds")
      ->capture_default_str()
      ->check(CLI::Range(100u, 86400000u));
  app.add_option("--volume", out->volumes, "create this volume if missing (repeatable)");
  app.add_option("--sync-workers", out->sync_workers, "threads that run synced (fsync) writes")
      ->capture_default_str()
      ->check(CLI::Range(1u, 64u));
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    // One line, whatever CLI11 would have printed.
    std::string what = e.what();
    for (char& c : what) {
      if (c == '\n') c = ' ';
    }
    std::fprintf(stderr, "rpuffsd: %s (see --help)\n", what.c_str());
    return 2;
  }
  return std::nullopt;
}

}  // namespace rpuffs::server
