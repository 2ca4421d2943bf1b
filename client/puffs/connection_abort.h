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

// The minor device number of the FUSE mount at `mountpoint` (as mountinfo
// writes it, an absolute path), or -1 if none is listed. Of mounts stacked
// on one path, the topmost (the last listed): call it right after mounting
// and keep the number, as the path may later show another mount.
int FuseConnectionOf(const std::string& mountpoint, const std::string& mountinfo = "/proc/self/mountinfo");

// Aborts FUSE connection `conn`. 0 or an errno (ENOENT: no such connection,
// or fusectl is not mounted).
int AbortFuseConnection(int conn);

// The kernel keeps an aborted connection's mount (every access answers
// ENOTCONN) and libfuse's unmount gives up on it: detaches the mount at
// `mountpoint` if it is still connection `conn`. 0 or an errno.
int DetachAbortedMount(const std::string& mountpoint, int conn);

}  // namespace rpuffs::puffs
