// client/rpuffs — RemoteFs: the mount-wide state of the rpuffs filesystem
// and the one way its ops talk to the server.
//
// Owns the RemoteVolume (the server session) and the CompletionQueue (the
// eventfd in the puffs loop). Each op runs in its own continuation and calls
// Rpc(): it starts the call through the gRPC callback API and suspends the
// continuation (Continuation::Yield, the only switch point) until the loop
// hands the completion back. A kernel INTERRUPT cancels the call: EINTR.
//
// Mount-wide caches, loop-thread only: the attributes this mount last saw
// for each open-able file (close-to-open: open keeps the page cache only if
// mtime and size are unchanged), per-handle state (was it written, so
// flush must make it durable), and the directories this mount knows
// completely for entry_timeout (dir_cache.h; lookup answers absent names
// from it, every op that changes names keeps it right).
//
// Kernel cache terms and the watch (remote/watch.h). Without a watch the
// kernel trusts attributes for attr_timeout and names (also absent ones)
// for entry_timeout, so other mounts' changes show within those. While the
// server's watch is up, answers may carry the long cache_timeout instead,
// and listings known complete do not expire: each change notice of another
// session (handled on the loop thread, OnWatch) invalidates the kernel's
// copy through the framework's Notifier and fixes this mount's caches.
//
// The race rule. A reply that left the server before a change committed can
// arrive after that change's notice was handled; given the long timeout, it
// would keep the stale state in the kernel for cache_timeout. So every
// notice (and every start, stop or overflow of the watch) increments
// notices_, Rpc() notes the count when it sends and when the reply is back,
// and only a reply with an unchanged count (reply_fresh_) and a watch up at
// both moments may be given the long timeout; any other reply gets the
// short one. A change that commits after the reply left has its notice
// handled after the reply reached the kernel: it invalidates it. (The count
// is per mount, not per inode: a busy volume costs some long timeouts,
// never correctness.)
//
// One kernel race is left to us: a LOOKUP reply the loop already wrote may
// not be installed yet when the Notifier's entry invalidation arrives (the
// kernel finds no name to drop, then installs the stale one). So each name
// a notice invalidates is invalidated once more 50 ms later (watch_apply.cc).
//
// Loss. What went to the kernel with the long timeout is recorded
// (KernelGrants, bounded; when full, the short timeout is used). When the
// watch stops, overflows or (re)starts, every recorded inode and name is
// invalidated, the complete listings are forgotten, and until the next
// start only short timeouts are given.
//
// Destruction order matters: the volume (which drains gRPC callbacks) goes
// before the queue; the loop must outlive both.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <vector>

#include "client/puffs/continuation.h"
#include "client/puffs/event_loop.h"
#include "client/puffs/notifier.h"
#include "client/puffs/ops.h"
#include "client/puffs/request.h"
#include "client/remote/remote_volume.h"
#include "client/rpuffs/completion_queue.h"
#include "client/rpuffs/dir_attrs.h"
#include "client/rpuffs/dir_cache.h"
#include "client/rpuffs/held_ops.h"
#include "client/rpuffs/kernel_grants.h"
#include "client/rpuffs/read_around.h"
#include "client/rpuffs/write_behind.h"

namespace rpuffs::client {

namespace v1 = ::rpuffs::v1;
using puffs::Ino;

struct FsSettings {
  double attr_timeout = 1.0;   // seconds
  double entry_timeout = 1.0;  // seconds
  // While the watch is up: the long timeout for both (never below the
  // short ones; a short one of 0 stays 0: that kind of entry is never cached).
  double cache_timeout = 60.0;
  bool watch = true;           // -o nowatch turns it off
  bool write_behind = true;    // -o writeback / nowriteback (write_behind.h)
  // default_permissions: the kernel checks search permission before it
  // looks a name up, so the server's EACCES cannot be the answer.
  bool kernel_checks_permissions = true;
  // -o readaround=BYTES: a smaller READ brings its aligned span of this
  // many bytes into the page cache (read_around.h); 0 = off.
  uint32_t read_around = 64 << 10;
};

constexpr uint64_t kWriteBehindBytes = 16 << 20;  // in flight at most

class RemoteFs {
 public:
  RemoteFs(std::unique_ptr<remote::RemoteVolume> volume, puffs::EventLoop& loop,
           const FsSettings& settings);
  ~RemoteFs();
  RemoteFs(const RemoteFs&) = delete;
  RemoteFs& operator=(const RemoteFs&) = delete;

  // The ops table; every entry calls into this object (keep it alive).
  puffs::Ops BuildOps();

  // Opens the watch (unless settings say nowatch). `notifier` gives the
  // framework's Notifier, or nullptr while not mounted. Loop thread.
  void StartWatch(std::function<puffs::Notifier*()> notifier);
  bool watching() const { return watching_; }
  // For an op's own cache: `fn(ino)` runs on the loop thread when a notice
  // says kernel inode `ino` changed, and `fn(0)` when all must be dropped.
  void OnNotice(std::function<void(Ino)> fn) { notice_hooks_.push_back(std::move(fn)); }
  // For an op's own cache: `fn(ino)` runs when this mount has just made the
  // file `ino` (kernel number; it has no xattrs yet). Loop thread.
  void OnCreated(std::function<void(Ino)> fn) { created_hooks_.push_back(std::move(fn)); }
  void Created(uint64_t server_ino) {
    for (auto& fn : created_hooks_) fn(ToKernel(server_ino));
  }
  // For an op's own cache: `fn(ino, attr, trust_seconds)` runs for every set
  // of attributes this mount hands the kernel (FillAttr: lookups, readdirplus
  // entries, getattr/setattr/create replies), with how long this mount may
  // trust what the reply said (TrustFor). Loop thread.
  void OnAttr(std::function<void(Ino, const v1::Attr&, double)> fn) { attr_hooks_.push_back(std::move(fn)); }

  // REQUIRES: inside the request's continuation. Stamps the caller's
  // credentials, starts the call, suspends until it completes and returns
  // its errno (reply filled on 0). May suspend.
  template <class Req, class Rep>
  int Rpc(puffs::Request& r, const remote::Rpc<Req, Rep>& rpc, Req req, Rep* rep);

  // With write-behind on: holds the write (held_ops.h) or starts it, and
  // returns once it is held or under way (0), or the handle's sticky error.
  // May suspend (ordering, budget).
  bool write_behind() const { return write_behind_ != nullptr; }
  int WriteBehindWrite(puffs::Request& r, v1::WriteRequest req);

  // ---- held ops (held_ops.h; held_send.cc). Only with write-behind on.
  HeldOps& held() { return held_; }
  // Holds the setattr `req` (stamped here) if it may be held (held_ops.h;
  // the kernel checked the caller's right): true, with *out the predicted
  // attributes (attribute timeout 0) and *err set. False: send it yourself.
  bool HoldSetAttr(puffs::Request& r, v1::SetAttrRequest& req, uint64_t owner_fh, puffs::AttrOut* out,
                   int* err);
  // Suspends until no write-behind write or ordered batch is in flight.
  void WaitWritesAndBatches() {
    if (write_behind_) write_behind_->WaitIdle();
  }
  // Holds a release; sends the held ops once enough releases are held.
  // May suspend.
  void HoldRelease(v1::ReleaseRequest req);
  // Holds the unlink of file `name` in `parent` and answers it done, if the
  // mount can: watching, the directory's attributes kept (so the kernel's
  // next GETATTR of it needs no call), room left. False: send it yourself.
  // May suspend.
  bool HoldUnlink(puffs::Request& r, Ino parent, const std::string& name);
  // After the loop has stopped (unmounted): sends what is still held (the
  // releases and unlinks of the last moments) and waits for it, at most
  // `limit`. Blocks the calling thread.
  void SendHeldAtExit(std::chrono::milliseconds limit);
  // Sends everything held as one Batch (with `sync`: and the durable commit,
  // even if nothing is held) and waits for it. Returns the batch's errno;
  // a held op's own failure goes to its handle (TakeWriteError). May suspend.
  int SendHeld(puffs::Request& r, bool sync);
  // The first error a write-behind write of `fh` had, or 0.
  int TakeWriteError(uint64_t fh) { return write_behind_ ? write_behind_->TakeError(fh) : 0; }

  // The kernel's root is inode 1; the server's root may be numbered otherwise.
  uint64_t ToServer(Ino ino) const { return ino == puffs::kRootIno ? root_ : ino; }
  Ino ToKernel(uint64_t ino) const { return ino == root_ ? puffs::kRootIno : ino; }

  // Reply attributes -> what the kernel caches, with the timeouts the race
  // rule allows for the reply of the last Rpc() (call right after it, with
  // no suspension in between). ProtocolError (EPROTO) if the attributes
  // carry no inode number. Without the name, the entry gets the short
  // timeout (it could not be taken back on loss).
  int FillEntry(const char* method, const v1::Attr& attr, puffs::Entry* out);
  int FillEntry(const char* method, const v1::Attr& attr, Ino parent, const std::string& name,
                puffs::Entry* out);
  int FillAttr(const char* method, const v1::Attr& attr, puffs::AttrOut* out);
  // The entry timeout for `name` in `parent` (present or absent) after the
  // reply of the last Rpc() (EntryTimeout), or for its absence from a
  // listing known complete, valid for `remaining` more seconds without the
  // watch (KnownAbsentTimeout).
  double EntryTimeout(Ino parent, const std::string& name);
  double KnownAbsentTimeout(Ino parent, const std::string& name, double remaining);
  // No notice arrived while the last Rpc() was in flight.
  bool reply_fresh() const { return reply_fresh_; }
  // How long this mount may trust what the last Rpc() replied about an
  // inode in its own caches: the long timeout when the race rule allows.
  double TrustFor(double short_timeout) const { return LongOk() ? LongTimeout(short_timeout) : short_timeout; }

  // Close-to-open bookkeeping. Seen() records what this mount's page cache
  // now reflects; Unchanged() says whether `attr` still matches it.
  void Seen(const v1::Attr& attr);
  bool Unchanged(const v1::Attr& attr) const;
  // The kernel forgot `ino`.
  void Forget(Ino ino) {
    seen_.erase(ToServer(ino));
    grants_.Forget(ino);
    read_around_.Forget(ino);
  }

  // Handles this mount opened: written since the last flush?
  void Opened(uint64_t fh) { dirty_[fh] = false; }
  void MarkDirty(uint64_t fh) { dirty_[fh] = true; }
  bool TakeDirty(uint64_t fh);
  void Closed(uint64_t fh) { dirty_.erase(fh); }

  // Complete listings of directories, keyed by server inode number.
  DirCache& dirs() { return dirs_; }
  // Directories' attributes from this mount's own entry changes (dir_attrs.h).
  DirAttrs& dir_attrs() { return dir_attrs_; }
  // A reply's `parent` attributes, from a call sent at dir_attrs().Epoch() =
  // `epoch`: kept if the race rule allows (watching, no notice crossed it).
  void SawParent(const v1::Attr& parent, uint64_t epoch) {
    if (watching_ && reply_fresh_) dir_attrs_.Store(parent, epoch);
  }

  const FsSettings& settings() const { return settings_; }
  remote::RemoteVolume& volume() { return *volume_; }
  // Small reads bring their whole block (read_around.h; ops_file.cc).
  ReadAround& read_around() { return read_around_; }
  // The framework's Notifier while mounted and watching, or nullptr.
  puffs::Notifier* notifier() const { return notifier_ ? notifier_() : nullptr; }

 private:
  struct Seen_ {
    int64_t mtime_sec;
    uint32_t mtime_nsec;
    uint64_t size;
  };
  void StampCredentials(puffs::Request& r, v1::RequestHeader* hdr) const;
  // Sends a write-behind write (REQUIRES: req stamped). May suspend.
  int StartWrite(v1::WriteRequest req);
  // held_send.cc. REQUIRES write_behind_->idle(): takes what is held and
  // sends it (a barrier nothing overtakes); done(errno) on the loop thread.
  void StartHeldBatch(bool sync, std::function<void(int)> done);
  // Waits for the writes and batches in flight, then starts what is held.
  void SendHeldAsync();
  void ArmHeldTimer();
  void OnBatchDone(const std::vector<uint64_t>& owners, const v1::BatchRequest& req, int err,
                   const v1::BatchReply& rep, uint64_t dir_epoch);
  // A held unlink the server refused (`err`): forget what this mount
  // assumed about the directory; the kernel asks again.
  void UnlinkFailed(const v1::UnlinkRequest& req, int err);
  // watch_apply.cc
  void OnWatch(remote::WatchUpdate update);
  void ApplyChange(const v1::Change& change, puffs::Notifier* notifier, bool drop_listing);
  void TakeBackAll();
  void EchoEntry(Ino parent, const std::string& name);
  bool LongOk() const { return watching_ && reply_fresh_; }
  double LongTimeout(double short_timeout) const;

  FsSettings settings_;
  uint64_t root_;
  std::unique_ptr<WriteBehind> write_behind_;
  std::unique_ptr<CompletionQueue> queue_;
  std::unique_ptr<remote::RemoteVolume> volume_;
  std::unordered_map<uint64_t, Seen_> seen_;
  std::unordered_map<uint64_t, bool> dirty_;
  DirCache dirs_;
  DirAttrs dir_attrs_;
  KernelGrants grants_;
  std::function<puffs::Notifier*()> notifier_;
  std::vector<std::function<void(Ino)>> notice_hooks_;
  std::vector<std::function<void(Ino)>> created_hooks_;
  std::vector<std::function<void(Ino, const v1::Attr&, double)>> attr_hooks_;
  bool watching_ = false;
  uint64_t notices_ = 0;
  bool reply_fresh_ = false;
  puffs::EventLoop& loop_;
  std::vector<std::pair<Ino, std::string>> echoes_;
  puffs::EventLoop::TimerId echo_timer_ = 0;  // 0: none armed
  HeldOps held_;
  puffs::EventLoop::TimerId held_timer_ = 0;  // 0: none armed
  ReadAround read_around_;
};

// ---- Rpc(): the suspend point --------------------------------------------

template <class Req, class Rep>
int RemoteFs::Rpc(puffs::Request& r, const remote::Rpc<Req, Rep>& rpc, Req req, Rep* rep) {
  // Shared with the completion: the continuation may be unwound (shutdown)
  // while the call is still in flight.
  struct Slot {
    puffs::Continuation* waiter = nullptr;
    bool done = false;
    int err = 0;
    Rep reply;
  };
  // Anything but a write sees every held change and write-behind write landed first.
  if constexpr (!std::is_same_v<Req, v1::WriteRequest>) {
    if (write_behind_) {
      // Free space and inodes do depend on releases (of unlinked files).
      bool releases_count = std::is_same_v<Req, v1::StatfsRequest> && !held_.empty();
      if (held_.HasChanges() || releases_count) SendHeld(r, false);
      write_behind_->WaitIdle();
    }
  }
  auto slot = std::make_shared<Slot>();
  uint64_t notices_at_send = notices_;
  bool watching_at_send = watching_;
  slot->waiter = puffs::Continuation::Current();
  StampCredentials(r, req.mutable_hdr());
  CompletionQueue* queue = queue_.get();
  auto control = volume_->Call(rpc, std::move(req),
                               remote::Done<Rep>([slot, queue](int err, Rep& reply) {
                                 // gRPC thread: only hand off.
                                 slot->err = err;
                                 slot->reply = std::move(reply);
                                 queue->Push([slot] {
                                   slot->done = true;
                                   if (slot->waiter) puffs::Continuation::Continue(slot->waiter);
                                 });
                               }));
  r.OnInterrupt([control] { control->Cancel(); });
  struct Unwind {
    std::shared_ptr<Slot> slot;
    std::shared_ptr<remote::CallControl> control;
    ~Unwind() {
      slot->waiter = nullptr;
      if (!slot->done) control->Cancel();
    }
  } unwind{slot, control};
  while (!slot->done) puffs::Continuation::Yield();
  r.OnInterrupt(nullptr);
  reply_fresh_ = notices_ == notices_at_send && watching_ == watching_at_send;
  if (slot->err == 0 && rep != nullptr) *rep = std::move(slot->reply);
  return slot->err;
}

}  // namespace rpuffs::client
