// tests/client/rpuffs — a real rpuffsd plus rpuffs mounts of it.
//
// MountDaemon() runs `rpuffs ADDRESS/VOLUME DIR -o ...` in daemon mode and
// returns its exit status (output in *out); MountForeground() runs it with
// -f as a Subprocess. Every mount point lives in the fixture's TempDir and
// is force-unmounted by MountGuards on teardown, also when a test fails.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "tests/support/rpuffsd_process.h"
#include "tests/support/test_support.h"

namespace rpuffs::testing {

class RpuffsMountTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

  // A new empty directory under the fixture's temp dir.
  std::string NewMountPoint(const std::string& name);
  int MountDaemon(const std::string& dir, const std::vector<std::string>& options = {},
                  std::string* out = nullptr, const std::string& source = "");
  // Mounts (daemon mode) and asserts success; returns the mount point.
  std::string MountOrFail(const std::string& name, const std::vector<std::string>& options = {});
  // `args` go after `-f` (e.g. "-d", "-o", "entry_timeout=60").
  std::unique_ptr<Subprocess> MountForeground(const std::string& dir,
                                              const std::vector<std::string>& args = {});

  static std::string RpuffsBinary() { return BinaryPath("client/rpuffs/rpuffs"); }

  std::unique_ptr<RpuffsdProcess> server_;
  std::unique_ptr<TempDir> dir_;
  std::vector<std::unique_ptr<MountGuard>> guards_;
};

// File helpers with errno-carrying results for assertions.
bool WriteFile(const std::string& path, const std::string& data, bool fsync_it);
bool ReadFile(const std::string& path, std::string* data);
// Drops this file's clean pages from the page cache (posix_fadvise DONTNEED).
void DropCache(const std::string& path);
std::string RandomBytes(size_t n, unsigned seed);
// stat succeeds / fails with ENOENT (not some other error).
bool Exists(const std::string& path);
bool Missing(const std::string& path);
// The names in a directory, without "." and ".." (empty if it cannot be read).
std::set<std::string> List(const std::string& dir);

}  // namespace rpuffs::testing
