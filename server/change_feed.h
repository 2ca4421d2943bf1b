// server/change_feed — who watches which volume, and the hand-off of every
// committed change to the watchers of OTHER sessions on the same volume.
//
// Contract:
// - A session has at most one watcher: Add() of a second one ends the first
//   with ALREADY_EXISTS.
// - Publish(volume, session, changes) queues the changes on every watcher of
//   `volume` except `session`'s own. Call it after the storage operation has
//   committed. With no watcher anywhere it costs one atomic load; otherwise a
//   shared lock, one mutex'd append per watcher and at most one StartWrite
//   per idle watcher. It allocates nothing once the watchers' queues are warm.
// - EndSession() (Goodbye, expiry) and Close() (server shutdown) finish the
//   watchers with OK; after Close(), Add() refuses (the caller answers
//   UNAVAILABLE).
//
// Threading: every method is thread-safe and never blocks on the network
// (StartWrite/Finish run after the feed's lock is dropped). Watchers are owned
// by gRPC (see server/watcher.h); the feed holds raw pointers that Remove()
// (from Watcher::OnDone) drops before a watcher can be deleted. The feed must
// outlive the gRPC server: destroy it after the server, WaitIdle() first.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <initializer_list>
#include <mutex>
#include <shared_mutex>
#include <unordered_map>
#include <vector>

#include "server/watcher.h"
#include "storage/volume.h"

namespace rpuffs::server {

class ChangeFeed {
 public:
  ChangeFeed() = default;
  ChangeFeed(const ChangeFeed&) = delete;
  ChangeFeed& operator=(const ChangeFeed&) = delete;

  // Registers `w` for its session and volume. False after Close() (nothing
  // registered). The session's earlier watcher, if any, ends ALREADY_EXISTS.
  bool Add(Watcher* w);
  // Drops `w` if it is still registered. Called by Watcher::OnDone.
  void Remove(Watcher* w);

  // Is anyone watching at all? (A hint: a handler may skip work that only
  // serves notices, e.g. looking up the inode an unlink removes.)
  bool Watched() const { return registered_.load(std::memory_order_acquire) > 0; }
  void Publish(const storage::Volume* volume, uint64_t from_session, std::initializer_list<ChangeNote> changes);

  // Finishes `session`'s watcher (if any) with OK.
  void EndSession(uint64_t session);
  // Finishes every watcher with OK and refuses new ones.
  void Close();
  // Waits until every watcher object is gone, or until `deadline`; true if
  // none is left.
  bool WaitIdle(std::chrono::steady_clock::time_point deadline);

  // Watcher objects alive (constructed, not yet deleted); for Watcher only.
  void CountLive(int delta);

 private:
  // Unregisters `w`. REQUIRES: mu_ held exclusively, w registered.
  void EraseLocked(Watcher* w);

  std::shared_mutex mu_;
  std::unordered_map<uint64_t, Watcher*> by_session_;                            // guarded by mu_
  std::unordered_map<const storage::Volume*, std::vector<Watcher*>> by_volume_;  // guarded by mu_
  bool closed_ = false;                                                          // guarded by mu_
  std::atomic<int> registered_{0};

  std::mutex live_mu_;
  std::condition_variable live_cv_;
  int live_ = 0;  // guarded by live_mu_
};

}  // namespace rpuffs::server
