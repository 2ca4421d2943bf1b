// client/puffs — kernel cache invalidation from a dedicated thread.
//
// fuse_lowlevel_notify_inval_entry/delete take the parent directory's lock
// in the kernel, and inval_inode may wait for writeback: sent from the loop
// thread, either can deadlock against a request only the loop can answer
// (STACK-NOTES §3.3, pitfall 2). So the loop only queues them here, and this
// thread sends them. -ENOENT (nothing cached) counts as success.
//
// Threading: the Invalidate*/Delete calls may be made from any thread and
// never block on the kernel. The session must outlive Stop().
#pragma once

#include <fuse_lowlevel.h>

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <thread>

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

  // Blocks until everything queued so far has been sent (tests, shutdown).
  void Flush();
  // Sends what is queued, then ends the thread. Idempotent.
  void Stop();
  uint64_t sent() const;
  uint64_t failed() const;

 private:
  enum class Kind { kInode, kEntry, kDelete };
  struct Item {
    Kind kind;
    Ino parent_or_ino;
    Ino child;
    int64_t offset;
    int64_t length;
    std::string name;
  };
  void Push(Item item);
  void Main();
  int Send(const Item& item);

  fuse_session* se_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::condition_variable idle_cv_;
  std::deque<Item> queue_;
  bool stop_ = false;
  bool busy_ = false;
  uint64_t sent_ = 0;
  uint64_t failed_ = 0;
  std::thread thread_;
};

}  // namespace rpuffs::puffs
