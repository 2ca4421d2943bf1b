// client/puffs — the mount table as this process sees it (/proc/self/mountinfo).
//
// Read without touching the mounts themselves, so it is safe for a daemon
// whose own mount may not answer (its loop not running yet, or stopped).
// Thread-safe; reads one small file per call.
#pragma once

#include <optional>
#include <string>

namespace rpuffs::puffs {

struct MountedDevice {
  unsigned major = 0;
  unsigned minor = 0;
  std::string fstype;  // e.g. "fuse.rpuffs"
};

// The topmost mount at `mountpoint` (an absolute path; mountinfo's \ooo
// escapes are decoded), or nullopt if nothing is mounted there.
std::optional<MountedDevice> TopMountAt(const std::string& mountpoint,
                                        const std::string& mountinfo = "/proc/self/mountinfo");

}  // namespace rpuffs::puffs
