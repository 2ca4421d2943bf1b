#include "client/load/flags.h"

#include <CLI/CLI.hpp>
#include <cstdio>

namespace rpuffs::load {
namespace {

constexpr char kHelp[] =
    "rpuffs-load: drives N clients against an rpuffsd volume (or mounted directories) and "
    "reports throughput and latency per operation.\n"
    "Workloads: mdtest, seqio, randio, smallfiles, mixed, coherence.";

std::string CheckSize(const std::string& s) {
  uint64_t v = 0;
  return ParseSize(s, &v) ? std::string() : "expected a size such as 4096, 64K, 8M";
}

void OneLine(const char* what) {
  std::string s = what;
  for (char& c : s) {
    if (c == '\n') c = ' ';
  }
  std::fprintf(stderr, "rpuffs-load: %s (see --help)\n", s.c_str());
}

std::optional<int> Validate(const LoadOptions& o) {
  const char* why = nullptr;
  if (o.server.empty() == o.mounts.empty()) why = "give exactly one of --server or --mounts";
  if (o.window == 0 || o.window > 1024) why = "--window must be 1..1024";
  if (o.clients == 0 || o.clients > 4096) why = "--clients must be 1..4096";
  if (o.duration_s < 0 || o.duration_s > 86400) why = "--duration must be 0..86400 seconds";
  if (!why) return std::nullopt;
  OneLine(why);
  return 2;
}

}  // namespace

bool ParseSize(const std::string& text, uint64_t* out) {
  if (text.empty() || text.size() > 18) return false;
  size_t digits = text.find_first_not_of("0123456789");
  if (digits == 0) return false;
  uint64_t v = std::stoull(text.substr(0, digits));
  std::string suffix = digits == std::string::npos ? "" : text.substr(digits);
  int shift = 0;
  if (suffix == "K" || suffix == "k")
    shift = 10;
  else if (suffix == "M" || suffix == "m")
    shift = 20;
  else if (suffix == "G" || suffix == "g")
    shift = 30;
  else if (!suffix.empty())
    return false;
  *out = v << shift;
  return true;
}

double EffectiveDuration(const LoadOptions& o, bool open_ended) {
  if (o.duration_s > 0) return o.duration_s;
  return open_ended && o.ops == 0 ? 10.0 : 300.0;
}

std::optional<int> ParseFlags(int argc, char** argv, LoadOptions* out) {
  CLI::App app{kHelp, "rpuffs-load"};
  std::string file_size;
  app.add_option("--server", out->server, "rpuffsd to drive: HOST:PORT[/VOLUME]");
  app.add_option("--mounts", out->mounts, "mounted directories to drive instead (DIR[,DIR...])")
      ->delimiter(',');
  app.add_option("--token", out->token, "shared secret for rpuffsd --token");
  app.add_option("--clients", out->clients, "number of clients (sessions, or threads on mounts)")
      ->capture_default_str();
  app.add_option("--workload", out->workload, "mdtest|seqio|randio|smallfiles|mixed|coherence")
      ->required();
  app.add_option("--duration", out->duration_s,
                 "seconds: length of randio/mixed/coherence runs (default 10 without --ops), "
                 "cap for the rest (default 300)");
  app.add_option("--ops", out->ops,
                 "per client: files (mdtest, seqio, smallfiles), operations (randio, mixed) or "
                 "rounds per pair (coherence)");
  app.add_option("--json", out->json_path, "also write the results as JSON to FILE");
  app.add_option("--seed", out->seed, "seed of file contents and random choices")
      ->capture_default_str();
  app.add_option("--files-per-client", out->files_per_client, "files each client works on");
  app.add_option("--file-size", file_size, "bytes per file (K/M/G suffixes)")
      ->check(CLI::Validator(CheckSize, "SIZE"));
  app.add_option("--mix", out->mix,
                 "op=weight,... (randio: read,write; mixed: stat,read,"
                 "write,create,readdir)");
  app.add_option("--window", out->window, "operations in flight per client")->capture_default_str();
  app.add_flag("--inject-corruption", out->inject_corruption)->group("");  // tests only
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    OneLine(e.what());
    return 2;
  }
  if (!file_size.empty()) ParseSize(file_size, &out->file_size);
  return Validate(*out);
}

}  // namespace rpuffs::load
