// client/puffs — aborting a FUSE connection from its own daemon.
//
// The last resort when the daemon must exit but a thread of its own is stuck
// in a kernel call that only the (stopped) loop could release, e.g. a
// notification waiting for a page that an unanswered READ holds locked.
// Writing to fusectl's N/abort fails every request in flight or queued (the
// application sees ENOTCONN/EIO), which releases the thread. fusectl is
// usually mounted on /sys/fs/fuse/connections (the mount's owner may write
// there); where it is not, it is mounted for the moment on a private temp
// dir (needs CAP_SYS_ADMIN). Either way exactly connection N is aborted:
// nothing is looked up by path. N is the mount's device minor, found in
// /proc/self/mountinfo by mount point at mount time (never by stat(), which
// would ask the stuck filesystem). The aborted mount stays (every access
// answers ENOTCONN) until DetachAbortedMount.
//
// Thread-safe; blocks only on /proc and /sys files, mount and umount2.
#pragma once

#include <string>

namespace rpuffs::puffs {

// The connection number (device minor) of the topmost mount at
// `mountpoint` if that is a FUSE mount, else -1 (mount_table.h). Call it
// right after mounting and keep the number: the path may later show
// another mount.
int FuseConnectionOf(const std::string& mountpoint, const std::string& mountinfo = "/proc/self/mountinfo");

// Aborts FUSE connection `conn`: through /sys/fs/fuse/connections, else
// through a private fusectl mount. 0 or an errno (ENOENT: no such
// connection; EPERM: fusectl is not mounted and may not be mounted here).
int AbortFuseConnection(int conn);

// The two ways on their own (AbortFuseConnection uses them).
int AbortThroughFusectl(int conn, const std::string& fusectl_dir = "/sys/fs/fuse/connections");
int AbortThroughPrivateFusectl(int conn);

// The kernel keeps an aborted connection's mount (every access answers
// ENOTCONN) and libfuse's unmount gives up on it: detaches the mount at
// `mountpoint` if it is still connection `conn`. 0 or an errno.
int DetachAbortedMount(const std::string& mountpoint, int conn);

}  // namespace rpuffs::puffs
