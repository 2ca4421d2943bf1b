// client/puffs — kernel cache invalidation and stores from a dedicated thread.
//
// fuse_lowlevel_notify_inval_entry/delete take the parent directory's lock
// in the kernel, inval_inode may wait for writeback, and notify_store locks
// the page-cache pages it fills: sent from the loop thread, any of them can
// deadlock against a request only the loop can answer (a READ holds its
// pages locked until its reply; STACK-NOTES §3.3, pitfall 2). So the loop
// only queues them here, and this thread sends them, in the order queued.
// -ENOENT (nothing cached, inode unknown) counts as success.
//
// Stores are best effort: a failure is counted (failed()), never reported.
// What a store may put in the page cache (no newer data there, nothing past
// the kernel's end of file) is the caller's policy; WhenStoresSent() lets a
// caller wait until the stores it queued for an inode are in the kernel.
//
// Threading: every call may be made from any thread and none blocks on the
// kernel (Flush() and Stop() block on this thread). The session must outlive
// Stop(). After Stop() nothing more is queued or sent.
// Known limit: a store blocks in the kernel while a page it fills is locked
// by a READ; if the loop stops answering (SIGTERM with reads in flight)
// while one is being sent, Stop() waits until that READ ends (aborting the
// connection ends it).
#pragma once

#include <fuse_lowlevel.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>

#include "client/puffs/ops.h"

namespace rpuffs::puffs {

class Notifier {
 public:
  explicit Notifier(fuse_session* se);  // starts the thread
  ~Notifier();                          // Stop()
  Notifier(const Notifier&) = delete;
  Notifier& operator=(const Notifier&) = delete;

  // Drops cached data of `ino` in [offset, offset+length) (length 0: all;
  // offset < 0: attributes only).
  void InvalidateInode(Ino ino, int64_t offset = 0, int64_t length = 0);
  // Drops the cached name `name` in `parent`.
  void InvalidateEntry(Ino parent, const std::string& name);
  // `name` in `parent` (which was `child`) is gone.
  void Delete(Ino parent, Ino child, const std::string& name);
  // Puts `bytes` into the page cache of `ino` at `offset`
  // (fuse_lowlevel_notify_store). The kernel overwrites pages already there
  // and extends its file size to offset+size: the caller decides that this
  // is right.
  void Store(Ino ino, int64_t offset, std::string bytes);
  // `done` runs once every store queued for `ino` before this call has been
  // sent (or dropped by Stop()): at once, on the calling thread, when none
  // is pending (returns true); otherwise later, on the notifier thread
  // (returns false). `done` must not block and must not call back into
  // this Notifier's Flush()/Stop().
  bool WhenStoresSent(Ino ino, std::function<void()> done);
  // Stores queued for `ino` and not yet sent.
  size_t PendingStores(Ino ino) const;

  // Blocks until everything queued so far has been sent (tests, shutdown).
  void Flush();
  // Sends what is queued, except stores (dropped: once the loop has stopped,
  // a store could wait forever for a page a READ holds locked), then ends
  // the thread. Idempotent. A store already being sent is waited for.
  void Stop();
  // Stop() that gives up waiting after `limit`: false if the thread is still
  // inside a kernel call then (a store can wait for a page that a READ the
  // stopped loop will never answer holds locked). The caller then aborts
  // the connection (which fails that READ) and calls Stop().
  bool StopWithin(std::chrono::milliseconds limit);
  uint64_t sent() const;
  // A notification is being sent (the thread is in the kernel) (tests).
  bool sending() const;
  uint64_t failed() const;
  uint64_t stored_bytes() const;

 private:
  enum class Kind { kInode, kEntry, kDelete, kStore, kBarrier };
  struct Item {
    Kind kind;
    Ino parent_or_ino;
    Ino child;
    int64_t offset;
    int64_t length;
    std::string name;            // kEntry, kDelete; kStore: the bytes
    std::function<void()> done;  // kBarrier
  };
  void Push(Item item);
  void RequestStop();  // sets stop_, drops queued stores, wakes the thread
  void Main();
  int Send(const Item& item);
  // A store of `ino` left the queue (sent or dropped). REQUIRES mu_ held.
  void StoreDone(Ino ino);

  fuse_session* se_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::condition_variable idle_cv_;
  std::deque<Item> queue_;
  std::unordered_map<Ino, size_t> pending_stores_;  // GUARDED_BY(mu_); no zero counts
  bool stop_ = false;
  bool busy_ = false;
  bool finished_ = false;  // Main() returned
  uint64_t sent_ = 0;
  uint64_t failed_ = 0;
  uint64_t stored_bytes_ = 0;
  std::thread thread_;
};

}  // namespace rpuffs::puffs
