#include "client/rpuffs/readahead.h"

#include <fstream>
#include <optional>

#include <spdlog/spdlog.h>

#include "client/puffs/mount_table.h"

namespace rpuffs::client {

bool RaiseReadahead(const std::string& mountpoint, unsigned kilobytes) {
  std::optional<puffs::MountedDevice> top = puffs::TopMountAt(mountpoint);
  if (!top) {
    spdlog::debug("event=readahead_skipped reason=mount_not_found mountpoint={}", mountpoint);
    return false;
  }
  const std::string dev = std::to_string(top->major) + ":" + std::to_string(top->minor);
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
