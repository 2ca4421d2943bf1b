#include "client/puffs/connection_abort.h"

#include <fcntl.h>
#include <sys/mount.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>

#include "client/puffs/mount_table.h"

namespace rpuffs::puffs {

int FuseConnectionOf(const std::string& mountpoint, const std::string& mountinfo) {
  std::optional<MountedDevice> top = TopMountAt(mountpoint, mountinfo);
  if (!top || (top->fstype != "fuse" && top->fstype.rfind("fuse.", 0) != 0)) return -1;
  return static_cast<int>(top->minor);  // FUSE mounts are anonymous devices: major 0
}

int AbortThroughFusectl(int conn, const std::string& fusectl_dir) {
  if (conn < 0) return ENOENT;
  std::string path = fusectl_dir + "/" + std::to_string(conn) + "/abort";
  int fd = open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) return errno;
  int err = write(fd, "1", 1) == 1 ? 0 : errno;
  close(fd);
  return err;
}

int AbortThroughPrivateFusectl(int conn) {
  if (conn < 0) return ENOENT;
  char dir[] = "/tmp/rpuffs-fusectl.XXXXXX";
  if (mkdtemp(dir) == nullptr) return errno;
  int err = 0;
  if (mount("fusectl", dir, "fusectl", MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr) != 0) {
    err = errno;
  } else {
    err = AbortThroughFusectl(conn, dir);
    umount2(dir, MNT_DETACH);
  }
  rmdir(dir);
  return err;
}

int AbortFuseConnection(int conn) {
  int err = AbortThroughFusectl(conn);
  if (err == 0 || conn < 0) return err;
  int private_err = AbortThroughPrivateFusectl(conn);
  if (private_err == 0) return 0;
  return err == ENOENT ? private_err : err;
}

int DetachAbortedMount(const std::string& mountpoint, int conn) {
  if (conn < 0 || FuseConnectionOf(mountpoint) != conn) return ENOENT;
  return umount2(mountpoint.c_str(), MNT_DETACH) == 0 ? 0 : errno;
}

}  // namespace rpuffs::puffs
