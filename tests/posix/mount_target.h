// tests/posix — the pieces every FUSE-mount target shares: wait for a daemon's
// mount to appear (or the daemon to die), and the clean unmount that checks
// the daemon exits 0 and leaves nothing mounted.
//
// Both functions record gtest failures (with the daemon's output) instead of
// throwing; both wait with deadlines and never hang.
#pragma once

#include <memory>
#include <string>

#include "tests/support/test_support.h"

namespace rpuffs::posix {

// Waits until `mountpoint` is a FUSE mount. False (with a failure recorded)
// if `daemon` exits first or the deadline passes.
bool WaitForMount(testing::Subprocess& daemon, const std::string& mountpoint, const char* what);

// `fusermount3 -u mountpoint`, then waits for `daemon` to exit and expects
// exit status 0 and no mount left behind.
void UnmountAndReap(testing::Subprocess& daemon, const std::string& mountpoint, const char* what);

// Expects `process` (already signalled or unmounted) to exit 0 within the deadline.
void ExpectCleanExit(testing::Subprocess& process, const char* what);

// False (with a failure recorded) unless `path` is an executable.
bool BinaryIsBuilt(const std::string& path);

// Opens `dir` to others (0755), makes `<dir>/mnt` and a guard that lazily unmounts it whatever happens.
// Returns false (failure recorded) if mkdir fails.
bool MakeMountPoint(const testing::TempDir& dir, std::string* mountpoint,
                    std::unique_ptr<testing::MountGuard>* guard);

// The usual mount point permissions: others may search it (the permission
// tests run as an unprivileged uid). Records a failure if chmod fails.
bool OpenRootToOthers(const std::string& root);

}  // namespace rpuffs::posix
