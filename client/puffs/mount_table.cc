#include "client/puffs/mount_table.h"

#include <cstdio>
#include <fstream>
#include <sstream>

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
  std::optional<MountedDevice> found;
  while (std::getline(in, line)) {
    // id parent major:minor root mountpoint options ... - fstype source super
    std::istringstream fields(line);
    std::string id, parent, dev, root, point;
    if (!(fields >> id >> parent >> dev >> root >> point)) continue;
    if (Unescape(point) != mountpoint) continue;
    size_t dash = line.find(" - ");
    MountedDevice m;
    if (dash == std::string::npos || std::sscanf(dev.c_str(), "%u:%u", &m.major, &m.minor) != 2) continue;
    std::istringstream(line.substr(dash + 3)) >> m.fstype;
    found = m;  // a later line is mounted on top
  }
  return found;
}

}  // namespace rpuffs::puffs
