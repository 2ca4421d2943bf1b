#include "client/puffs/usermount.h"

#include <cerrno>

#include <spdlog/spdlog.h>

#include "client/puffs/connection_abort.h"
#include "client/puffs/continuation.h"

namespace rpuffs::puffs {

Usermount::Usermount(const Ops& ops) : ops_(ops) {}

Usermount::~Usermount() { Teardown(); }

int Usermount::RefuseAfterMount(const char* setter) const {
  if (state_ == MountState::kBeforeMount) return 0;
  spdlog::error("usermount: {} ignored: only takes effect before mount", setter);
  return EBUSY;
}

int Usermount::SetStackSize(size_t bytes) {
  if (int err = RefuseAfterMount("SetStackSize")) return err;
  stack_size_ = bytes;
  return 0;
}

int Usermount::SetMaxRequestLength(size_t bytes) {
  if (int err = RefuseAfterMount("SetMaxRequestLength")) return err;
  max_request_length_ = bytes;
  return 0;
}

int Usermount::SetRootInfo(const RootInfo& info) {
  if (int err = RefuseAfterMount("SetRootInfo")) return err;
  root_info_ = info;
  return 0;
}

int Usermount::SetLoopFunction(std::function<void()> fn) {
  if (int err = RefuseAfterMount("SetLoopFunction")) return err;
  loop_fn_ = std::move(fn);
  return 0;
}

int Usermount::SetLoopTimeout(std::chrono::milliseconds timeout) {
  if (int err = RefuseAfterMount("SetLoopTimeout")) return err;
  loop_timeout_ = timeout;
  return 0;
}

int Usermount::SetPollWindow(std::chrono::microseconds max) {
  if (int err = RefuseAfterMount("SetPollWindow")) return err;
  poll_window_ = max;
  return 0;
}

int Usermount::SetOpHooks(FuseChannel::OpHook pre, FuseChannel::OpHook post) {
  if (int err = RefuseAfterMount("SetOpHooks")) return err;
  pre_op_ = std::move(pre);
  post_op_ = std::move(post);
  return 0;
}

int Usermount::SetErrorNotifier(ErrorNotifier fn) {
  if (int err = RefuseAfterMount("SetErrorNotifier")) return err;
  error_notifier_ = std::move(fn);
  return 0;
}

int Usermount::SetMountOptions(std::vector<std::string> options) {
  if (int err = RefuseAfterMount("SetMountOptions")) return err;
  mount_options_ = std::move(options);
  return 0;
}

int Usermount::SetDebug(bool on) {
  if (int err = RefuseAfterMount("SetDebug")) return err;
  debug_ = on;
  return 0;
}

int Usermount::SetHandleSignals(bool on) {
  if (int err = RefuseAfterMount("SetHandleSignals")) return err;
  handle_signals_ = on;
  return 0;
}

int Usermount::SetHandleKillpriv(bool on) {
  if (int err = RefuseAfterMount("SetHandleKillpriv")) return err;
  handle_killpriv_ = on;
  return 0;
}

int Usermount::SetWritebackCache(bool on) {
  if (int err = RefuseAfterMount("SetWritebackCache")) return err;
  writeback_cache_ = on;
  return 0;
}

StackPool& Usermount::stack_pool() {
  if (!pool_) pool_ = std::make_unique<StackPool>(stack_size_);
  return *pool_;
}

void Usermount::NotifyError(int err, const std::string& what) {
  if (error_notifier_) {
    error_notifier_(err, what);
  } else {
    spdlog::error("usermount: errno={} what=\"{}\"", err, what);
  }
}

int Usermount::Mount(const std::string& mountpoint, const std::vector<std::string>& options,
                     std::string* error) {
  std::string local_error;
  std::string& reason = error ? *error : local_error;
  if (state_ != MountState::kBeforeMount) {
    reason = "already mounted or finished";
    return EBUSY;
  }
  // Block the termination signals before the notifier thread exists, so
  // that it (and any thread created later) inherits the mask.
  if (handle_signals_) {
    if (int err = loop_.HandleSignals([this](int) { Exit(); }); err != 0) {
      reason = "cannot set up signal handling";
      return err;
    }
  }
  stack_pool();
  ChannelOptions copts;
  copts.mount_options = mount_options_;
  copts.mount_options.insert(copts.mount_options.end(), options.begin(), options.end());
  copts.debug = debug_;
  copts.max_write = max_request_length_;
  copts.handle_killpriv = handle_killpriv_;
  copts.writeback_cache = writeback_cache_;
  channel_ = std::make_unique<FuseChannel>(ops_, loop_, *pool_);
  channel_->SetOpHooks(pre_op_, post_op_);
  channel_->SetOnExit([this](int err) {
    if (err != 0) NotifyError(err, "reading /dev/fuse failed");
    Exit();
  });
  if (int err = channel_->Mount(mountpoint, copts, &reason); err != 0) {
    channel_.reset();
    return err;
  }
  notifier_ = std::make_unique<Notifier>(channel_->session());
  mountpoint_ = mountpoint;
  connection_ = FuseConnectionOf(mountpoint_);
  loop_.SetLoopTimeout(loop_timeout_);
  loop_.SetPollWindow(poll_window_);
  loop_.SetLoopFunction([this] {
    if (loop_fn_) loop_fn_();
    if (exit_requested_.load()) loop_.Stop();
  });
  state_ = MountState::kRunning;
  return 0;
}

int Usermount::Run() {
  if (state_ != MountState::kRunning) return EINVAL;
  int rc = loop_.Run(*pool_);
  if (rc != 0) NotifyError(rc, "event loop failed");
  Teardown();
  spdlog::debug("usermount: unmounted at={}", mountpoint_);
  return rc;
}

void Usermount::Exit() {
  exit_requested_.store(true);
  loop_.Wake();
}

void Usermount::Teardown() {
  if (state_ != MountState::kRunning) return;
  // The notifier sends what is queued while the session still exists; what
  // unwinding requests queue after that is dropped (the mount is going away).
  // The loop no longer answers: a notification stuck on a lock that an
  // unanswered request holds is freed by aborting the connection.
  bool aborted = false;
  if (notifier_ && !notifier_->StopWithin(kNotifierStopLimit)) {
    if (int err = AbortFuseConnection(connection_); err != 0) {
      // Nothing frees the thread: leave it (and what it uses) to the exit.
      spdlog::error("usermount: notifier stuck at exit and the connection cannot be aborted errno={}", err);
      notifier_.release();
    } else {
      spdlog::warn("usermount: notifier stuck at exit: connection {} aborted", connection_);
      notifier_->Stop();
      aborted = true;
    }
  }
  if (channel_) channel_->Unmount();
  // libfuse's unmount gives up on an aborted connection: detach it here, so
  // no dead mount is left behind.
  if (aborted) {
    if (int err = DetachAbortedMount(mountpoint_, connection_); err != 0 && err != ENOENT) {
      spdlog::error("usermount: unmount of {} after the abort failed errno={}", mountpoint_, err);
    }
  }
  Continuation::DestroyAllDetached();
  notifier_.reset();
  channel_.reset();
  state_ = MountState::kUnmounted;
}

}  // namespace rpuffs::puffs
