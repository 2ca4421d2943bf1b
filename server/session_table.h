// server/session_table — the live client sessions of one rpuffsd.
//
// A session is bound to one volume at Hello and named by a random 64-bit id
// in every later request. Each request renews its lease; a session whose lease
// ran out is gone (Acquire fails) and the reaper releases its handles in
// storage (Volume::DropSession), so unlinked-but-open files get reclaimed.
// Sessions recorded in a volume by an earlier run are restored with a fresh
// lease, so clients can resume them after a server restart.
//
// Threading: every method is thread-safe. Acquire() is the hot path (a shared
// lock, a clock read, two atomics). A session with requests in flight is never
// reaped: SessionRef counts them.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <optional>
#include <cstdint>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "storage/volume.h"

namespace rpuffs::server {

class Session {
 public:
  Session(uint64_t id, std::string volume_name, storage::Volume* volume, bool restored)
      : id_(id), volume_name_(std::move(volume_name)), volume_(volume), restored_(restored) {}

  uint64_t id() const { return id_; }
  const std::string& volume_name() const { return volume_name_; }
  storage::Volume* volume() const { return volume_; }

  // Passes the client's acked_below watermark on to storage, but only every
  // kAckStride sequence numbers: each AckBelow is a RocksDB write.
  void Ack(uint64_t acked_below);

  // Release(sync) bookkeeping: a handle that was written is closed with a
  // synced commit. Handles of a restored session may have been written by the
  // previous run, so all of them sync.
  void MarkWritten(uint64_t fh);
  bool TakeWritten(uint64_t fh);
  // A durable commit (Fsync, a synced Batch) covers every earlier write of
  // every handle: ClearWritten() forgets them all, BEFORE the commit (a write
  // landing meanwhile marks its handle again), and returns what it forgot, so
  // that a failed commit can hand them back to RestoreWritten(). The
  // restored-session rule above stays.
  std::unordered_set<uint64_t> ClearWritten();
  void RestoreWritten(std::unordered_set<uint64_t> handles);

  // Retry records of releases (storage keeps none: Volume::Release takes no
  // OpId): the errno the release with sequence number `seq` answered, so
  // that a retry or a replayed Batch gets the same answer without releasing
  // again. In memory only (after a restart a replay answers EBADF); records
  // below the client's acked_below are dropped (Ack), and beyond
  // kMaxReleaseRecords the oldest go. A retry racing the first attempt finds
  // nothing and answers EBADF.
  std::optional<int> ReleaseOutcome(uint64_t seq);
  void RecordRelease(uint64_t seq, int err);

 private:
  friend class SessionTable;
  friend class SessionRef;
  static constexpr uint64_t kAckStride = 256;
  static constexpr size_t kMaxReleaseRecords = 4096;

  const uint64_t id_;
  const std::string volume_name_;
  storage::Volume* const volume_;
  const bool restored_;
  std::atomic<int64_t> expires_ns_{0};  // steady_clock
  std::atomic<int> in_flight_{0};
  std::atomic<uint64_t> acked_sent_{0};
  std::mutex written_mu_;
  std::unordered_set<uint64_t> written_;  // guarded by written_mu_
  std::mutex released_mu_;
  std::map<uint64_t, int> released_;  // seq -> errno; guarded by released_mu_
  std::atomic<bool> any_released_{false};  // released_ may be non-empty
};

// Holds a session for the length of one request (keeps it from being reaped).
class SessionRef {
 public:
  SessionRef() = default;
  explicit SessionRef(std::shared_ptr<Session> s) : s_(std::move(s)) {}
  SessionRef(SessionRef&& o) noexcept = default;
  SessionRef& operator=(SessionRef&& o) noexcept;
  SessionRef(const SessionRef&) = delete;
  SessionRef& operator=(const SessionRef&) = delete;
  ~SessionRef();

  explicit operator bool() const { return s_ != nullptr; }
  Session* operator->() const { return s_.get(); }

 private:
  std::shared_ptr<Session> s_;
};

class SessionTable {
 public:
  explicit SessionTable(std::chrono::milliseconds lease);
  ~SessionTable();  // stops the reaper; drops nothing in storage

  std::chrono::milliseconds lease() const { return lease_; }

  // Opens a new session on `volume` (records it there: Volume::AddSession).
  storage::Result<uint64_t> Create(const std::string& volume_name, storage::Volume* volume);
  // Re-attaches to a live session of the same volume and renews its lease.
  // False if unknown, expired or bound to another volume.
  bool Resume(uint64_t id, const std::string& volume_name);
  // Sessions recorded by an earlier run: live again with a fresh lease.
  void Restore(const std::string& volume_name, storage::Volume* volume,
               const std::vector<uint64_t>& ids);
  // The session for one request, lease renewed; empty if unknown or expired.
  SessionRef Acquire(uint64_t id);
  // Is the session known and unexpired? (Renews nothing.)
  bool Alive(uint64_t id);
  // Called with the id of every session that ends (Close or expiry), after
  // it is gone from the table; from the closing or the reaper thread, with
  // no lock held. REQUIRES: set before the server serves and the reaper runs.
  void SetEndHook(std::function<void(uint64_t)> hook) { end_hook_ = std::move(hook); }
  // Goodbye: forgets the session and releases its handles in storage.
  storage::Status Close(uint64_t id);

  // Drops every expired session without requests in flight; returns how many.
  size_t ReapExpired();
  // A thread calling ReapExpired() a few times per lease, until StopReaper()
  // (or destruction). Stop it before the store closes.
  void StartReaper();
  void StopReaper();

  size_t size();

 private:
  int64_t NowNs() const;
  uint64_t NewId();

  const std::chrono::milliseconds lease_;
  std::function<void(uint64_t)> end_hook_;
  std::shared_mutex mu_;
  std::unordered_map<uint64_t, std::shared_ptr<Session>> sessions_;  // guarded by mu_

  std::mutex reaper_mu_;
  std::condition_variable reaper_cv_;
  bool stopping_ = false;  // guarded by reaper_mu_
  std::thread reaper_;
};

}  // namespace rpuffs::server
