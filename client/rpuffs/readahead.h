// client/rpuffs — bigger kernel read-ahead for a mount.
//
// FUSE's INIT lets a daemon only lower the kernel's read-ahead (128 KiB by
// default), which caps sequential reads at 128 KiB requests. After the
// mount, the mount's backing device info can be raised through sysfs
// (/sys/class/bdi/MAJ:MIN/read_ahead_kb), found via /proc/self/mountinfo
// without touching the mount itself (which the loop thread must not do).
// Best effort: returns false (and logs at debug) when it cannot.
#pragma once

#include <string>

namespace rpuffs::client {

bool RaiseReadahead(const std::string& mountpoint, unsigned kilobytes);

}  // namespace rpuffs::client
