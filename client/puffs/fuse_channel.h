// client/puffs — the FUSE channel: libfuse 3.14's low-level API driven by
// our own event loop.
//
// Mount() creates the session with only the ops the filesystem filled in
// (the kernel gets ENOSYS for the rest), mounts, and puts the non-blocking
// /dev/fuse fd into the loop. Each request's receive buffer is HANDED to
// its continuation, which owns it (the loop reads the next request into a
// recycled buffer); libfuse parses it inside that continuation and calls
// one dispatch function (fuse_dispatch_*.cc), which calls the op and sends
// one reply. FORGET, BATCH_FORGET, INTERRUPT, INIT
// and DESTROY are handled inline on the loop continuation.
//
// libfuse 3.14 never sends PARALLEL_DIROPS to the kernel; our custom writev
// ORs it into the INIT reply (STACK-NOTES §3.2), and HANDLE_KILLPRIV_V2 too
// when ChannelOptions::handle_killpriv asks for it and the kernel offered it.
//
// Threading: loop thread only. Lookup counts are kept here and reach
// ops.reclaim when the kernel forgets an inode.
#pragma once

#include <fuse_lowlevel.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "client/puffs/event_loop.h"
#include "client/puffs/ops.h"
#include "client/puffs/request.h"
#include "client/puffs/stack_pool.h"

namespace rpuffs::puffs {

class Continuation;

struct ChannelOptions {
  std::vector<std::string> mount_options;  // each as given to -o (may hold commas)
  bool debug = false;                      // libfuse's -d request trace
  size_t max_write = 1 << 20;              // bytes per WRITE (libfuse caps it at 1 MiB)
  // Negotiate FUSE_HANDLE_KILLPRIV_V2 if the kernel offers it: the kernel
  // then stops asking for security.capability before every write and sets
  // OpenFile::kill_suidgid / SetAttrIn::kill_suidgid instead; the filesystem
  // must clear suid/sgid (and security.capability) on write, truncate, chown.
  bool handle_killpriv = false;
  // Ask for the kernel's writeback cache if it is capable: writes return at
  // page-cache speed and arrive later in page-sized WRITEs at offsets the
  // kernel computed (also for O_APPEND: OpenFile::writeback_cache tells the
  // filesystem); the kernel owns mtime/ctime and sends them in setattr.
  bool writeback_cache = false;
};

class FuseChannel {
 public:
  using OpHook = std::function<void(Request&)>;

  FuseChannel(const Ops& ops, EventLoop& loop, StackPool& pool);
  ~FuseChannel();  // Unmount()s if still mounted
  FuseChannel(const FuseChannel&) = delete;
  FuseChannel& operator=(const FuseChannel&) = delete;

  // Creates the session and mounts it. Returns 0, or an errno with a
  // one-line reason in *error (bad options: EINVAL).
  int Mount(const std::string& mountpoint, const ChannelOptions& options, std::string* error);
  // Destroys the requests still in flight (each answered EIO), unmounts
  // (unless the kernel already did) and destroys the session. Idempotent.
  void Unmount();
  bool mounted() const { return se_ != nullptr; }
  // True once the kernel ended the session (umount, fusermount3 -u, abort).
  bool exited() const { return se_ != nullptr && fuse_session_exited(se_); }
  // Runs on the loop thread when the session ends: err 0 when the kernel
  // ended it (umount), else the errno reading /dev/fuse failed with.
  void SetOnExit(std::function<void(int err)> fn) { on_exit_ = std::move(fn); }
  void SetOpHooks(OpHook pre, OpHook post) {
    pre_op_ = std::move(pre);
    post_op_ = std::move(post);
  }

  fuse_session* session() const { return se_; }
  const Ops& ops() const { return ops_; }
  size_t InFlight() const { return in_flight_.size(); }
  uint64_t LookupCount(Ino ino) const;
  // Highest number of requests in flight at once so far.
  size_t MaxInFlight() const { return max_in_flight_; }
  // Reads of /dev/fuse that found no request (EAGAIN) so far; any thread.
  uint64_t EmptyReads() const { return empty_reads_.load(std::memory_order_relaxed); }

  // For the dispatch functions.
  const OpHook& pre_op() const { return pre_op_; }
  const OpHook& post_op() const { return post_op_; }
  uint64_t CurrentUnique() const { return current_unique_; }
  size_t max_write() const { return max_write_; }
  bool want_writeback_cache() const { return options_.writeback_cache; }
  // What INIT settled (valid after the kernel's INIT): writeback cache on,
  // HANDLE_KILLPRIV_V2 negotiated.
  bool writeback_cache() const { return writeback_cache_; }
  bool killpriv_v2() const { return killpriv_v2_; }
  void SetWritebackCacheEnabled(bool on) { writeback_cache_ = on; }
  // The request being parsed asks to clear suid/sgid (wire::KillSuidgid).
  bool CurrentKillSuidgid() const { return current_kill_suidgid_; }
  void CountLookup(Ino ino) { ++lookups_[ino]; }
  void Forget(Ino ino, uint64_t nlookup);
  // A finished request's receive buffer (libfuse-sized, malloc'd) for reuse.
  void ReturnSpareBuffer(void* mem);

 private:
  static ssize_t IoRead(int fd, void* buf, size_t len, void* self);
  static ssize_t IoWritev(int fd, struct iovec* iov, int count, void* self);
  void OnReadable();
  // Runs the request just received in its own continuation; true if it
  // was answered before this returns (false: it waits on something).
  bool StartRequest(size_t size);
  void* TakeSpareBuffer();  // nullptr if none: libfuse then allocates
  void FinishExit(int err);

  const Ops& ops_;
  EventLoop& loop_;
  StackPool& pool_;
  fuse_session* se_ = nullptr;
  int fd_ = -1;
  fuse_buf buf_{};
  std::atomic<uint64_t> init_unique_{0};
  std::atomic<bool> init_seen_{false};  // read by IoWritev on any thread
  uint64_t current_unique_ = 0;
  bool current_kill_suidgid_ = false;
  ChannelOptions options_;
  std::atomic<uint32_t> init_extra_flags_{0};  // ORed into the INIT reply
  bool writeback_cache_ = false;
  bool killpriv_v2_ = false;
  size_t max_write_ = 1 << 20;
  size_t max_in_flight_ = 0;
  std::atomic<uint64_t> empty_reads_{0};
  bool exit_reported_ = false;
  std::unordered_set<Continuation*> in_flight_;
  static constexpr size_t kMaxSpareBuffers = 4;
  std::vector<void*> spare_bufs_;
  std::unordered_map<Ino, uint64_t> lookups_;
  std::function<void(int)> on_exit_;
  OpHook pre_op_;
  OpHook post_op_;
};

// Takes the framework's own words out of options->mount_options (libfuse
// would reject them) and applies them: handle_killpriv / no_handle_killpriv,
// writeback_cache / no_writeback_cache (the last word wins). Mount() does it.
void TakeFrameworkOptions(ChannelOptions* options);

// The libfuse op table for `ops`: only filled-in ops get an entry
// (fuse_dispatch_ops.cc).
fuse_lowlevel_ops BuildLowlevelOps(const Ops& ops);

}  // namespace rpuffs::puffs
