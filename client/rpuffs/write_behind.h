// client/rpuffs — write-behind for `-o writeback`: a WRITE is answered as
// soon as its RPC has started, so one writer keeps several 1 MiB writes in
// flight. What stays true:
// - Order: a write waits while an earlier one in flight overlaps its range
//   (an append waits for the inode to be idle), so the server applies
//   overlapping writes in the application's order.
// - Everything else waits for the mount to be idle first (RemoteFs::Rpc):
//   reads see the writes, attributes never go back to a size from before a
//   write, and flush/fsync/close return only once every write has landed.
// - Errors are sticky per handle and surface at the next write, flush,
//   fsync or close of that handle.
// - At most `max_bytes` are in flight; a writer waits beyond that.
// Loop thread only. Wait* suspend the calling continuation (REQUIRES: inside one).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <unordered_map>
#include <vector>

#include "client/puffs/continuation.h"

namespace rpuffs::client {

class WriteBehind {
 public:
  explicit WriteBehind(uint64_t max_bytes) : max_bytes_(max_bytes) {}
  ~WriteBehind();

  // Suspends until a write of [off, off+len) to `ino` may start; returns its id.
  uint64_t Begin(uint64_t ino, uint64_t off, uint64_t len, bool append);
  // The write `id` of handle `fh` completed with `err`; wakes the waiters.
  void End(uint64_t id, uint64_t fh, int err);
  // A call nothing may overtake (a batch of held ops, held_ops.h): every
  // later Begin waits until its End. REQUIRES: idle() (nothing to wait for).
  uint64_t BeginBarrier();
  // Suspends until no write is in flight.
  void WaitIdle();
  bool idle() const { return pending_.empty(); }
  // The first error a write of `fh` had since the last call, or 0.
  int TakeError(uint64_t fh);
  // Records a failure for `fh` (kept if it is the first; fh 0 ignored).
  void Fail(uint64_t fh, int err) {
    if (fh != 0 && err != 0) errors_.emplace(fh, err);
  }

 private:
  struct Range {
    uint64_t ino, off, len;
    bool append;
    bool barrier = false;
  };
  // A parked continuation; cleared if it is unwound while parked.
  struct Waiter {
    puffs::Continuation* cc;
  };
  bool Blocked(const Range& r) const;
  void Park();
  void WakeAll();

  uint64_t max_bytes_;
  uint64_t bytes_ = 0;
  uint64_t next_id_ = 1;
  std::map<uint64_t, Range> pending_;
  std::vector<std::shared_ptr<Waiter>> waiters_;
  std::unordered_map<uint64_t, int> errors_;
};

}  // namespace rpuffs::client
