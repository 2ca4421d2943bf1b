#include "client/rpuffs/mount_options.h"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <sstream>

namespace rpuffs::client {
namespace {

// Seconds as a finite, non-negative decimal.
bool ParseSeconds(const std::string& key, const std::string& value, double* out, std::string* why) {
  char* end = nullptr;
  double v = std::strtod(value.c_str(), &end);
  if (value.empty() || *end != '\0' || !std::isfinite(v) || v < 0 || v > 86400 * 365) {
    *why = "bad value for " + key + ": '" + value + "' (seconds expected)";
    return false;
  }
  *out = v;
  return true;
}

// readaround=BYTES: 0 (off) or a power of two from 4096 to 1 MiB (K/M suffixes allowed).
bool ParseReadAround(const std::string& value, uint32_t* out, std::string* why) {
  char* end = nullptr;
  unsigned long long v = std::strtoull(value.c_str(), &end, 10);
  std::string unit = end == nullptr ? "" : end;
  v = std::min(v, 1ull << 30);  // no overflow below
  if (unit == "k" || unit == "K") v <<= 10;
  if (unit == "m" || unit == "M") v <<= 20;
  bool unit_ok = unit.empty() || unit == "k" || unit == "K" || unit == "m" || unit == "M";
  bool size_ok = v == 0 || (v >= 4096 && v <= (1u << 20) && (v & (v - 1)) == 0);
  if (value.empty() || !std::isdigit(static_cast<unsigned char>(value[0])) || !unit_ok || !size_ok) {
    *why = "bad value for readaround: '" + value + "' (0, or a power of two from 4096 to 1M bytes)";
    return false;
  }
  *out = static_cast<uint32_t>(v);
  return true;
}

std::vector<std::string> SplitCommas(const std::vector<std::string>& options) {
  std::vector<std::string> out;
  for (const std::string& o : options) {
    std::stringstream ss(o);
    std::string item;
    while (std::getline(ss, item, ',')) out.push_back(item);
    if (!o.empty() && o.back() == ',') out.emplace_back();
  }
  return out;
}

// One of ours? Returns true if handled (*ok says whether it was valid).
bool TakeOwnOption(const std::string& key, const std::string& value, bool has_value,
                   MountSettings* out, std::string* why, bool* ok) {
  *ok = true;
  double seconds = 0;
  if (key == "token" && has_value) {
    out->remote.token = value;
  } else if (key == "attr_timeout" || key == "entry_timeout" || key == "grace" ||
             key == "cache_timeout") {
    *ok = ParseSeconds(key, value, &seconds, why);
    if (key == "attr_timeout") out->fs.attr_timeout = seconds;
    if (key == "entry_timeout") out->fs.entry_timeout = seconds;
    if (key == "cache_timeout") out->fs.cache_timeout = seconds;
    if (key == "grace") out->remote.grace = std::chrono::milliseconds(std::llround(seconds * 1000));
  } else if (key == "poll_us" && has_value) {
    char* end = nullptr;
    errno = 0;
    long v = std::strtol(value.c_str(), &end, 10);
    *ok = !value.empty() && *end == '\0' && errno == 0 && v >= 0 && v <= 10000;
    if (*ok) {
      out->poll_us = static_cast<int>(v);
    } else {
      *why = "bad value for poll_us: '" + value + "' (microseconds, 0 to 10000)";
    }
  } else if (key == "readaround" && has_value) {
    *ok = ParseReadAround(value, &out->fs.read_around, why);
  } else if ((key == "writeback" || key == "nowriteback") && !has_value) {
    out->fs.write_behind = key == "writeback";
  } else if ((key == "watch" || key == "nowatch") && !has_value) {
    out->fs.watch = key == "watch";
  } else {
    return false;
  }
  return true;
}

}  // namespace

bool ParseMountOptions(const remote::Target& target, const std::vector<std::string>& options,
                       MountSettings* out, std::string* why) {
  out->remote.target = target.host_port;
  out->remote.volume = target.volume;
  bool default_permissions = true;
  // A shared network volume is for every local user: allow_other by default
  // when root mounts it (others need user_allow_other in /etc/fuse.conf).
  bool allow_other = geteuid() == 0;
  bool has_fsname = false, has_subtype = false;
  // The server clears suid/sgid on write, truncate and chown itself, so the
  // kernel need not probe security.capability before every write and chown
  // (KILLPRIV_V2). First, so that a given no_handle_killpriv wins.
  out->fuse_options.push_back("handle_killpriv");
  for (const std::string& item : SplitCommas(options)) {
    if (item.empty()) {
      *why = "empty mount option";
      return false;
    }
    size_t eq = item.find('=');
    std::string key = item.substr(0, eq);
    std::string value = eq == std::string::npos ? "" : item.substr(eq + 1);
    bool ok = true;
    if (TakeOwnOption(key, value, eq != std::string::npos, out, why, &ok)) {
      if (!ok) return false;
      continue;
    }
    if (key == "nodefault_permissions") {
      default_permissions = false;
      continue;
    }
    if (key == "noallow_other") {
      allow_other = false;
      continue;
    }
    if (key == "default_permissions") continue;  // added once below
    if (key == "allow_other") {
      allow_other = true;
      continue;
    }
    has_fsname |= key == "fsname";
    has_subtype |= key == "subtype";
    out->fuse_options.push_back(item);
  }
  if (default_permissions) out->fuse_options.push_back("default_permissions");
  out->fs.kernel_checks_permissions = default_permissions;
  if (allow_other) out->fuse_options.push_back("allow_other");
  if (!has_fsname) out->fuse_options.push_back("fsname=" + target.host_port + "/" + target.volume);
  if (!has_subtype) out->fuse_options.push_back("subtype=rpuffs");
  return true;
}

}  // namespace rpuffs::client
