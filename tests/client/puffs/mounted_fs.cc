#include "tests/client/puffs/mounted_fs.h"

#include <sys/stat.h>

namespace rpuffs::puffs::testfs {

MountedFs::MountedFs(const Ops& ops, std::vector<std::string> options)
    : dir_("puffs-mnt"), mnt_(dir_.Sub("mnt")), guard_(mnt_), um_(std::make_unique<Usermount>(ops)) {
  mkdir(mnt_.c_str(), 0755);
  run_future_ = run_result_.get_future().share();
  std::promise<int> mounted;
  std::future<int> mounted_future = mounted.get_future();
  // Mount on the loop thread: the loop, its continuations and the signal
  // mask all belong to the thread that runs them.
  thread_ = std::thread([this, options, &mounted] {
    um_->SetHandleSignals(false);
    int rc = um_->Mount(mnt_, options, &error_);
    mounted.set_value(rc);
    run_result_.set_value(rc == 0 ? um_->Run() : rc);
  });
  mount_rc_ = mounted_future.get();
}

MountedFs::~MountedFs() {
  if (thread_.joinable()) {
    um_->Exit();
    thread_.join();
  }
}

int MountedFs::Stop() {
  um_->Exit();
  if (thread_.joinable()) thread_.join();
  return run_future_.get();
}

bool MountedFs::WaitForRunToReturn(std::chrono::milliseconds timeout) {
  if (run_future_.wait_for(timeout) != std::future_status::ready) return false;
  if (thread_.joinable()) thread_.join();
  return true;
}

}  // namespace rpuffs::puffs::testfs
