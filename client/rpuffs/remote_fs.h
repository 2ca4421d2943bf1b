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
// Destruction order matters: the volume (which drains gRPC callbacks) goes
// before the queue; the loop must outlive both.
#pragma once

#include <memory>
#include <type_traits>
#include <unordered_map>

#include "client/puffs/continuation.h"
#include "client/puffs/event_loop.h"
#include "client/puffs/ops.h"
#include "client/puffs/request.h"
#include "client/remote/remote_volume.h"
#include "client/rpuffs/completion_queue.h"
#include "client/rpuffs/dir_cache.h"
#include "client/rpuffs/write_behind.h"

namespace rpuffs::client {

namespace v1 = ::rpuffs::v1;
using puffs::Ino;

struct FsSettings {
  double attr_timeout = 1.0;   // seconds
  double entry_timeout = 1.0;  // seconds
  bool write_behind = true;    // -o writeback / nowriteback (write_behind.h)
  // default_permissions: the kernel checks search permission before it
  // looks a name up, so the server's EACCES cannot be the answer.
  bool kernel_checks_permissions = true;
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

  // REQUIRES: inside the request's continuation. Stamps the caller's
  // credentials, starts the call, suspends until it completes and returns
  // its errno (reply filled on 0). May suspend.
  template <class Req, class Rep>
  int Rpc(puffs::Request& r, const remote::Rpc<Req, Rep>& rpc, Req req, Rep* rep);

  // With write-behind on: starts the write and returns once it is under
  // way (0), or the handle's sticky error. May suspend (ordering, budget).
  bool write_behind() const { return write_behind_ != nullptr; }
  int StartWrite(puffs::Request& r, v1::WriteRequest req);
  // The first error a write-behind write of `fh` had, or 0.
  int TakeWriteError(uint64_t fh) { return write_behind_ ? write_behind_->TakeError(fh) : 0; }

  // The kernel's root is inode 1; the server's root may be numbered otherwise.
  uint64_t ToServer(Ino ino) const { return ino == puffs::kRootIno ? root_ : ino; }
  Ino ToKernel(uint64_t ino) const { return ino == root_ ? puffs::kRootIno : ino; }

  // Reply attributes -> what the kernel caches. ProtocolError (EPROTO) if
  // the attributes carry no inode number.
  int FillEntry(const char* method, const v1::Attr& attr, puffs::Entry* out) const;
  int FillAttr(const char* method, const v1::Attr& attr, puffs::AttrOut* out) const;

  // Close-to-open bookkeeping. Seen() records what this mount's page cache
  // now reflects; Unchanged() says whether `attr` still matches it.
  void Seen(const v1::Attr& attr);
  bool Unchanged(const v1::Attr& attr) const;
  void Forget(Ino ino) { seen_.erase(ToServer(ino)); }

  // Handles this mount opened: written since the last flush?
  void Opened(uint64_t fh) { dirty_[fh] = false; }
  void MarkDirty(uint64_t fh) { dirty_[fh] = true; }
  bool TakeDirty(uint64_t fh);
  void Closed(uint64_t fh) { dirty_.erase(fh); }

  // Complete listings of directories, keyed by server inode number.
  DirCache& dirs() { return dirs_; }

  const FsSettings& settings() const { return settings_; }
  remote::RemoteVolume& volume() { return *volume_; }

 private:
  struct Seen_ {
    int64_t mtime_sec;
    uint32_t mtime_nsec;
    uint64_t size;
  };
  void StampCredentials(puffs::Request& r, v1::RequestHeader* hdr) const;

  FsSettings settings_;
  uint64_t root_;
  std::unique_ptr<WriteBehind> write_behind_;
  std::unique_ptr<CompletionQueue> queue_;
  std::unique_ptr<remote::RemoteVolume> volume_;
  std::unordered_map<uint64_t, Seen_> seen_;
  std::unordered_map<uint64_t, bool> dirty_;
  DirCache dirs_;
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
  // Anything but a write sees every write-behind write landed first.
  if constexpr (!std::is_same_v<Req, v1::WriteRequest>) {
    if (write_behind_) write_behind_->WaitIdle();
  }
  auto slot = std::make_shared<Slot>();
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
  if (slot->err == 0 && rep != nullptr) *rep = std::move(slot->reply);
  return slot->err;
}

}  // namespace rpuffs::client
