#include "client/puffs/connection_abort.h"

#include <fcntl.h>
#include <sys/mount.h>
#include <unistd.h>

#include <cerrno>
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

int FuseConnectionOf(const std::string& mountpoint, const std::string& mountinfo) {
  std::ifstream in(mountinfo);
  std::string line;
  int found = -1;
  while (std::getline(in, line)) {
    // id parent major:minor root mountpoint options ... - fstype source super
    std::istringstream fields(line);
    std::string id, parent, dev, root, point;
    if (!(fields >> id >> parent >> dev >> root >> point)) continue;
    if (Unescape(point) != mountpoint) continue;
    size_t dash = line.find(" - ");
    if (dash == std::string::npos) continue;
    std::istringstream tail(line.substr(dash + 3));
    std::string fstype;
    tail >> fstype;
    if (fstype != "fuse" && fstype.rfind("fuse.", 0) != 0) continue;
    unsigned major = 0, minor = 0;
    if (std::sscanf(dev.c_str(), "%u:%u", &major, &minor) != 2) continue;
    found = static_cast<int>(minor);  // a later line is mounted on top
  }
  return found;
}

int AbortFuseConnection(int conn) {
  if (conn < 0) return ENOENT;
  std::string path = "/sys/fs/fuse/connections/" + std::to_string(conn) + "/abort";
  int fd = open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) return errno;
  int err = write(fd, "1", 1) == 1 ? 0 : errno;
  close(fd);
  return err;
}

int DetachAbortedMount(const std::string& mountpoint, int conn) {
  if (conn < 0 || FuseConnectionOf(mountpoint) != conn) return ENOENT;
  return umount2(mountpoint.c_str(), MNT_DETACH) == 0 ? 0 : errno;
}

}  // namespace rpuffs::puffs
