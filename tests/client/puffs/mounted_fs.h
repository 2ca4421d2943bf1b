// tests/client/puffs — mounts an Ops table in-process on a TempDir, with the
// loop on its own thread; unmounts (and joins) on destruction, whatever the
// test did. Signal handling is off: the test process keeps its signals.
#pragma once

#include <future>
#include <memory>
#include <string>
#include <thread>

#include "client/puffs/usermount.h"
#include "tests/support/test_support.h"

namespace rpuffs::puffs::testfs {

class MountedFs {
 public:
  // Mounts; check ok() / error().
  explicit MountedFs(const Ops& ops, std::vector<std::string> options = {});
  ~MountedFs();

  bool ok() const { return mount_rc_ == 0; }
  const std::string& error() const { return error_; }
  const std::string& path() const { return mnt_; }
  std::string Sub(const std::string& name) const { return mnt_ + "/" + name; }
  Usermount& usermount() { return *um_; }
  // Asks the loop to finish; waits for Run() to return. Returns Run()'s result.
  int Stop();
  // Waits until Run() returned by itself (e.g. after fusermount3 -u).
  bool WaitForRunToReturn(std::chrono::milliseconds timeout);

 private:
  rpuffs::testing::TempDir dir_;
  std::string mnt_;
  rpuffs::testing::MountGuard guard_;
  std::unique_ptr<Usermount> um_;
  int mount_rc_ = -1;
  std::string error_;
  std::promise<int> run_result_;
  std::shared_future<int> run_future_;
  std::thread thread_;
};

}  // namespace rpuffs::puffs::testfs
