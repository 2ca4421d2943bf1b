// client/puffs — the usermount: one mounted filesystem and its lifecycle.
//
// State machine (puffs): kBeforeMount --Mount()--> kRunning --Run() ends-->
// kUnmounted. Every setter takes effect only before Mount(); called later it
// changes nothing, logs, and returns EBUSY.
//
// Run() drives the event loop (inside a continuation) until Exit(), a
// SIGTERM/SIGINT/SIGHUP (when signal handling is on, the default), or the
// kernel ending the session (umount, fusermount3 -u). It then answers what
// is still in flight, unmounts, destroys the session, stops the notifier,
// and returns: an orderly exit never leaves a mount behind.
//
// Threading: everything on the thread that calls Mount() and Run() (the
// loop thread), except Exit(), which any thread may call. The Ops table must
// outlive the Usermount.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "client/puffs/event_loop.h"
#include "client/puffs/fuse_channel.h"
#include "client/puffs/notifier.h"
#include "client/puffs/ops.h"
#include "client/puffs/stack_pool.h"

namespace rpuffs::puffs {

enum class MountState { kBeforeMount, kRunning, kUnmounted };

// What the root directory looks like; the filesystem reads it back with
// root_info() when it builds its root node.
struct RootInfo {
  mode_t mode = S_IFDIR | 0755;
  uid_t uid = 0;
  gid_t gid = 0;
};

inline constexpr std::chrono::microseconds kDefaultPollWindow{50};
// At exit, how long the notifier may take to send what is queued before the
// connection is aborted under it (see connection_abort.h).
inline constexpr std::chrono::milliseconds kNotifierStopLimit{2000};

class Usermount {
 public:
  using ErrorNotifier = std::function<void(int err, const std::string& what)>;

  explicit Usermount(const Ops& ops);
  ~Usermount();  // unmounts if Run() was never called after a Mount()
  Usermount(const Usermount&) = delete;
  Usermount& operator=(const Usermount&) = delete;

  // Setters: 0 before Mount(), EBUSY (and a log line) after.
  int SetStackSize(size_t bytes);              // rounded up to a power of two
  int SetMaxRequestLength(size_t bytes);       // WRITE size; libfuse caps it at 1 MiB
  int SetRootInfo(const RootInfo& info);
  int SetLoopFunction(std::function<void()> fn);
  int SetLoopTimeout(std::chrono::milliseconds timeout);
  // How long the loop may busy-poll before it sleeps (EventLoop::
  // SetPollWindow); default kDefaultPollWindow, 0 = never.
  int SetPollWindow(std::chrono::microseconds max);
  int SetOpHooks(FuseChannel::OpHook pre, FuseChannel::OpHook post);
  int SetErrorNotifier(ErrorNotifier fn);
  int SetMountOptions(std::vector<std::string> options);  // as for -o
  int SetDebug(bool on);                                  // libfuse's request trace
  int SetHandleSignals(bool on);                          // default on
  // Default off; see ChannelOptions::handle_killpriv / writeback_cache.
  int SetHandleKillpriv(bool on);
  int SetWritebackCache(bool on);

  // kBeforeMount -> kRunning. `options` are added to SetMountOptions'.
  // Returns 0, or an errno with a one-line reason in *error (EBUSY if not
  // kBeforeMount, EINVAL bad options, EIO mount failed); stays kBeforeMount
  // on failure.
  int Mount(const std::string& mountpoint, const std::vector<std::string>& options = {},
            std::string* error = nullptr);
  // REQUIRES: kRunning. Runs until the exit conditions above, then
  // -> kUnmounted. Returns 0 on an orderly exit, EIO if the loop failed.
  int Run();
  // Any thread: asks Run() to finish. Safe before Run() and after.
  void Exit();

  MountState state() const { return state_; }
  const RootInfo& root_info() const { return root_info_; }
  size_t stack_size() const { return pool_ ? pool_->stack_size() : RoundStackSize(stack_size_); }
  EventLoop& loop() { return loop_; }
  // Valid while kRunning, else nullptr.
  FuseChannel* channel() { return state_ == MountState::kRunning ? channel_.get() : nullptr; }
  Notifier* notifier() { return state_ == MountState::kRunning ? notifier_.get() : nullptr; }
  StackPool& stack_pool();
  const std::string& mountpoint() const { return mountpoint_; }
  // Reports an error to the error notifier (or the log if none is set).
  void NotifyError(int err, const std::string& what);

 private:
  int RefuseAfterMount(const char* setter) const;
  void Teardown();

  const Ops& ops_;
  MountState state_ = MountState::kBeforeMount;
  size_t stack_size_ = kDefaultStackSize;
  size_t max_request_length_ = 1 << 20;
  RootInfo root_info_;
  std::function<void()> loop_fn_;
  std::chrono::milliseconds loop_timeout_{0};
  std::chrono::microseconds poll_window_ = kDefaultPollWindow;
  FuseChannel::OpHook pre_op_, post_op_;
  ErrorNotifier error_notifier_;
  std::vector<std::string> mount_options_;
  bool debug_ = false;
  bool handle_signals_ = true;
  bool handle_killpriv_ = false;
  bool writeback_cache_ = false;
  std::string mountpoint_;
  int connection_ = -1;  // the FUSE connection's number (fusectl), -1 unknown
  std::atomic<bool> exit_requested_{false};

  EventLoop loop_;
  std::unique_ptr<StackPool> pool_;
  std::unique_ptr<FuseChannel> channel_;
  std::unique_ptr<Notifier> notifier_;
};

}  // namespace rpuffs::puffs
