// client/puffs — aborting a FUSE connection from its own daemon.
//
// The last resort when the daemon must exit but a thread of its own is stuck
// in a kernel call that only the (stopped) loop could release, e.g. a
// notification waiting for a page that an unanswered READ holds locked.
// Writing to /sys/fs/fuse/connections/N/abort fails every request in flight
// or queued (the application sees ENOTCONN/EIO), which releases the thread.
// N is the mount's device minor, found in /proc/self/mountinfo by mount point
// (never by stat(), which would ask the stuck filesystem).
//
// Thread-safe; blocks only on those two small files.
#pragma once

#include <string>

namespace rpuffs::puffs {

// The connection number (device minor) of the topmost mount at
// `mountpoint` if that is a FUSE mount, else -1 (mount_table.h). Call it
// right after mounting and keep the number: the path may later show
// another mount.
int FuseConnectionOf(const std::string& mountpoint, const std::string& mountinfo = "/proc/self/mountinfo");

// Aborts FUSE connection `conn`. 0 or an errno (ENOENT: no such connection,
// or fusectl is not mounted).
int AbortFuseConnection(int conn);

// The kernel keeps an aborted connection's mount (every access answers
// ENOTCONN) and libfuse's unmount gives up on it: detaches the mount at
// `mountpoint` if it is still connection `conn`. 0 or an errno.
int DetachAbortedMount(const std::string& mountpoint, int conn);

}  // namespace rpuffs::puffs
