#include "client/puffs/connection_abort.h"

#include <fcntl.h>
#include <sys/mount.h>
#include <unistd.h>

#include <cerrno>

#include "client/puffs/mount_table.h"

namespace rpuffs::puffs {
namespace {

// umount2 of `mountpoint` with `flags` if the topmost mount there is `conn`.
int UnmountIfOurs(const std::string& mountpoint, int conn, int flags) {
  if (conn < 0 || FuseConnectionOf(mountpoint) != conn) return ENOENT;
  return umount2(mountpoint.c_str(), flags) == 0 ? 0 : errno;
}

}  // namespace

int FuseConnectionOf(const std::string& mountpoint, const std::string& mountinfo) {
  std::optional<MountedDevice> top = TopMountAt(mountpoint, mountinfo);
  if (!top || (top->fstype != "fuse" && top->fstype.rfind("fuse.", 0) != 0)) return -1;
  return static_cast<int>(top->minor);  // FUSE mounts are anonymous devices: major 0
}

int AbortThroughFusectl(int conn) {
  if (conn < 0) return ENOENT;
  std::string path = "/sys/fs/fuse/connections/" + std::to_string(conn) + "/abort";
  int fd = open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) return errno;
  int err = write(fd, "1", 1) == 1 ? 0 : errno;
  close(fd);
  return err;
}

int ForceDetachMount(const std::string& mountpoint, int conn) {
  return UnmountIfOurs(mountpoint, conn, MNT_FORCE | MNT_DETACH);
}

int AbortFuseMount(const std::string& mountpoint, int conn) {
  if (conn < 0) return ENOENT;
  if (AbortThroughFusectl(conn) == 0) return 0;
  return ForceDetachMount(mountpoint, conn);
}

int DetachAbortedMount(const std::string& mountpoint, int conn) {
  return UnmountIfOurs(mountpoint, conn, MNT_DETACH);
}

}  // namespace rpuffs::puffs
