#include "client/load/report.h"

#include <cerrno>
#include <cinttypes>
#include <cstring>
#include <fstream>
#include <sstream>

#ifndef RPUFFS_VERSION
#define RPUFFS_VERSION "unknown"
#endif

namespace rpuffs::load {
namespace {

constexpr double kPercentiles[] = {50, 90, 99, 99.9};
constexpr const char* kPercentileKeys[] = {"p50", "p90", "p99", "p99_9"};

double WindowSeconds(const OpStats& op) {
  if (op.last_end_ns <= op.first_start_ns) return 0;
  return static_cast<double>(op.last_end_ns - op.first_start_ns) / 1e9;
}

double Rate(double amount, const OpStats& op) {
  double w = WindowSeconds(op);
  return w > 0 ? amount / w : 0;
}

double Micros(uint64_t ns) { return static_cast<double>(ns) / 1000.0; }

std::string ErrnoName(int err) {
  const char* name = strerrorname_np(err);
  return name ? name : "E" + std::to_string(err);
}

std::string Quote(const std::string& s) {
  std::string out = "\"";
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += ch;
    } else if (c < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else {
      out += ch;
    }
  }
  return out + "\"";
}

std::string Num(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.3f", v);
  return buf;
}

void OpJson(std::ostringstream& j, const std::string& name, const OpStats& op) {
  j << "{\"name\":" << Quote(name) << ",\"count\":" << op.count << ",\"bytes\":" << op.bytes
    << ",\"seconds\":" << Num(WindowSeconds(op)) << ",\"ops_per_s\":" << Num(Rate(op.count, op))
    << ",\"mb_per_s\":" << Num(Rate(op.bytes / 1e6, op)) << ",\"latency_us\":{";
  for (size_t i = 0; i < 4; ++i) {
    j << Quote(kPercentileKeys[i]) << ":" << Num(Micros(op.latency_ns.Percentile(kPercentiles[i])))
      << ",";
  }
  j << "\"max\":" << Num(Micros(op.latency_ns.max())) << "},\"errors\":{";
  bool first = true;
  for (const auto& [err, n] : op.errors) {
    j << (first ? "" : ",") << Quote(ErrnoName(err)) << ":" << n;
    first = false;
  }
  j << "},\"error_count\":" << op.error_count() << ",\"mismatches\":" << op.mismatches
    << ",\"stale_reads\":" << op.stale << "}";
}

}  // namespace

std::string ErrorsText(const OpStats& op) {
  std::string s;
  for (const auto& [err, n] : op.errors) {
    s += (s.empty() ? "" : " ") + ErrnoName(err) + ":" + std::to_string(n);
  }
  return s.empty() ? "-" : s;
}

void PrintTable(std::FILE* out, const Summary& s) {
  const LoadOptions& o = *s.options;
  std::string target = o.server;
  for (const auto& m : o.mounts) target += (target.empty() ? "" : ",") + m;
  std::fprintf(out, "rpuffs-load %s: workload=%s clients=%u target=%s elapsed=%.2fs%s\n",
               RPUFFS_VERSION, o.workload.c_str(), o.clients, target.c_str(), s.elapsed_s,
               s.deadline_hit ? " (stopped at the deadline)" : "");
  std::fprintf(out, "%-16s %10s %11s %9s %9s %9s %9s %9s %10s  %s\n", "op", "count", "ops/s",
               "MB/s", "p50(us)", "p90(us)", "p99(us)", "p99.9(us)", "max(us)", "errors");
  for (const auto& [name, op] : s.ops) {
    std::string errors = ErrorsText(op);
    if (op.mismatches) errors += " mismatches:" + std::to_string(op.mismatches);
    if (op.stale) errors += " stale:" + std::to_string(op.stale);
    std::fprintf(out, "%-16s %10" PRIu64 " %11.1f %9.2f %9.1f %9.1f %9.1f %9.1f %10.1f  %s\n",
                 name.c_str(), op.count, Rate(op.count, op), Rate(op.bytes / 1e6, op),
                 Micros(op.latency_ns.Percentile(50)), Micros(op.latency_ns.Percentile(90)),
                 Micros(op.latency_ns.Percentile(99)), Micros(op.latency_ns.Percentile(99.9)),
                 Micros(op.latency_ns.max()), errors.c_str());
  }
  std::fprintf(out,
               "total: calls=%" PRIu64 " errors=%" PRIu64 " mismatches=%" PRIu64
               " stale_reads=%" PRIu64 " -> %s\n",
               s.calls, s.errors, s.mismatches, s.stale, s.clean() ? "OK" : "FAILED");
}

std::string ToJson(const Summary& s) {
  const LoadOptions& o = *s.options;
  std::ostringstream j;
  j << "{\"tool\":\"rpuffs-load\",\"version\":" << Quote(RPUFFS_VERSION) << ",\"parameters\":{"
    << "\"workload\":" << Quote(o.workload) << ",\"clients\":" << o.clients
    << ",\"server\":" << Quote(o.server) << ",\"mounts\":[";
  for (size_t i = 0; i < o.mounts.size(); ++i) j << (i ? "," : "") << Quote(o.mounts[i]);
  j << "],\"duration_s\":" << Num(s.duration_cap_s) << ",\"ops\":" << o.ops
    << ",\"seed\":" << o.seed << ",\"files_per_client\":" << o.files_per_client
    << ",\"file_size\":" << o.file_size << ",\"mix\":" << Quote(o.mix) << ",\"window\":" << o.window
    << "},\"elapsed_s\":" << Num(s.elapsed_s)
    << ",\"stopped_at_deadline\":" << (s.deadline_hit ? "true" : "false")
    << ",\"totals\":{\"calls\":" << s.calls << ",\"errors\":" << s.errors
    << ",\"mismatches\":" << s.mismatches << ",\"stale_reads\":" << s.stale
    << ",\"ok\":" << (s.clean() ? "true" : "false") << "},\"operations\":[";
  for (size_t i = 0; i < s.ops.size(); ++i) {
    if (i) j << ",";
    OpJson(j, s.ops[i].first, s.ops[i].second);
  }
  j << "]}\n";
  return j.str();
}

bool WriteJson(const std::string& path, const Summary& s, std::string* why) {
  std::ofstream f(path, std::ios::trunc);
  f << ToJson(s);
  f.close();
  if (f) return true;
  *why = "cannot write " + path + ": " + std::strerror(errno);
  return false;
}

}  // namespace rpuffs::load
