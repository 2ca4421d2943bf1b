// client/puffs — aborting a FUSE connection from its own daemon.
//
// The last resort when the daemon must exit but a thread of its own is stuck
// in a kernel call that only the (stopped) loop could release, e.g. a
// notification waiting for a page that an unanswered READ holds locked.
// Aborting fails every request in flight or queued (the application sees
// ENOTCONN/EIO), which releases the thread. Two ways, tried in this order:
//  - writing to /sys/fs/fuse/connections/N/abort (fusectl; the mount's owner
//    may, but fusectl is not mounted everywhere); the mount stays (every
//    access answers ENOTCONN) until DetachAbortedMount;
//  - a forced lazy unmount (umount2 MNT_FORCE|MNT_DETACH: FUSE aborts the
//    connection when an unmount is forced; needs CAP_SYS_ADMIN), which also
//    detaches the mount.
// N is the mount's device minor, found in /proc/self/mountinfo by mount point
// (never by stat(), which would ask the stuck filesystem). Nothing is done
// to a mount at that path that is not connection N.
//
// Thread-safe; blocks only on /proc and /sys files and umount2.
#pragma once

#include <string>

namespace rpuffs::puffs {

// The connection number (device minor) of the topmost mount at
// `mountpoint` if that is a FUSE mount, else -1 (mount_table.h). Call it
// right after mounting and keep the number: the path may later show
// another mount.
int FuseConnectionOf(const std::string& mountpoint, const std::string& mountinfo = "/proc/self/mountinfo");

// Aborts connection `conn`, the topmost mount at `mountpoint`: through
// fusectl, else by a forced lazy unmount. 0 or an errno (ENOENT: no such
// connection, or the mount at `mountpoint` is not `conn`).
int AbortFuseMount(const std::string& mountpoint, int conn);

// The two ways on their own (AbortFuseMount uses them). Through fusectl:
// ENOENT when there is no such connection or fusectl is not mounted.
int AbortThroughFusectl(int conn);
// umount2(MNT_FORCE|MNT_DETACH) of `mountpoint` if it is still `conn`.
int ForceDetachMount(const std::string& mountpoint, int conn);

// The kernel keeps a mount aborted through fusectl (every access answers
// ENOTCONN) and libfuse's unmount gives up on it: detaches the mount at
// `mountpoint` if it is still connection `conn`. 0 or an errno (ENOENT when
// it is gone already, e.g. after a forced abort).
int DetachAbortedMount(const std::string& mountpoint, int conn);

}  // namespace rpuffs::puffs
