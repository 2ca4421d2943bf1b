#include "client/rpuffs/readahead.h"

#include <fstream>
#include <sstream>

#include <spdlog/spdlog.h>

namespace rpuffs::client {
namespace {

// "MAJ:MIN" of the newest mount at `mountpoint`, or "".
std::string DeviceOf(const std::string& mountpoint) {
  std::ifstream in("/proc/self/mountinfo");
  std::string line, found;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string id, parent, dev, root, point;
    fields >> id >> parent >> dev >> root >> point;
    if (point == mountpoint) found = dev;  // the last one is on top
  }
  return found;
}

}  // namespace

bool RaiseReadahead(const std::string& mountpoint, unsigned kilobytes) {
  std::string dev = DeviceOf(mountpoint);
  if (dev.empty()) {
    spdlog::debug("event=readahead_skipped reason=mount_not_found mountpoint={}", mountpoint);
    return false;
  }
  std::ofstream out("/sys/class/bdi/" + dev + "/read_ahead_kb");
  out << kilobytes << "\n";
  out.flush();
  if (!out) {
    spdlog::debug("event=readahead_skipped reason=sysfs_write dev={}", dev);
    return false;
  }
  return true;
}

}  // namespace rpuffs::client
