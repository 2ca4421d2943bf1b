#include "client/puffs/mount_table.h"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <vector>

namespace rpuffs::puffs {
namespace {

// mountinfo escapes space, tab, newline and backslash as \ooo.
std::string Unescape(const std::string& field) {
  std::string out;
  for (size_t i = 0; i < field.size(); ++i) {
    if (field[i] == '\\' && i + 3 < field.size()) {
      int v = 0;
      if (std::sscanf(field.c_str() + i + 1, "%3o", &v) == 1) {
        out.push_back(static_cast<char>(v));
        i += 3;
        continue;
      }
    }
    out.push_back(field[i]);
  }
  return out;
}

}  // namespace

std::optional<MountedDevice> TopMountAt(const std::string& mountpoint, const std::string& mountinfo) {
  std::ifstream in(mountinfo);
  std::string line;
  struct AtPoint {
    std::string id, parent;
    MountedDevice device;
  };
  std::vector<AtPoint> here;
  while (std::getline(in, line)) {
    // id parent major:minor root mountpoint options ... - fstype source super
    std::istringstream fields(line);
    AtPoint m;
    std::string dev, root, point;
    if (!(fields >> m.id >> m.parent >> dev >> root >> point)) continue;
    if (Unescape(point) != mountpoint) continue;
    size_t dash = line.find(" - ");
    if (dash == std::string::npos || std::sscanf(dev.c_str(), "%u:%u", &m.device.major, &m.device.minor) != 2) {
      continue;
    }
    std::istringstream(line.substr(dash + 3)) >> m.device.fstype;
    here.push_back(std::move(m));
  }
  // The topmost is the one no other mount at the path sits on. Not simply the
  // last line: a mount moved here (mount --move) keeps its older, earlier line.
  for (auto it = here.rbegin(); it != here.rend(); ++it) {
    bool covered = std::any_of(here.begin(), here.end(), [&](const AtPoint& o) { return o.parent == it->id; });
    if (!covered) return it->device;
  }
  return std::nullopt;
}

}  // namespace rpuffs::puffs
