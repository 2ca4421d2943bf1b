// server/watcher — one open Watch stream: the change notices waiting for one
// session, and the gRPC reactor that sends them.
//
// Contract:
// - The first event written is WatchEvent{started: true}. After it, each
//   write carries every notice queued since the previous write (consecutive
//   duplicates coalesced), so at most one write is outstanding at a time.
// - At most kMaxQueued notices wait; one more drops them all and the next
//   event is WatchEvent{overflow: true}. Notices pushed while that overflow
//   event is still unsent are dropped too (the receiver drops its whole cache
//   when it arrives, which covers them).
// - End(status) finishes the stream once the write in flight (if any) is
//   done; Finish is called exactly once, also after a cancellation.
//
// Ownership and threading: gRPC owns the object's lifetime through the
// reactor protocol; it deletes itself once OnDone has run AND no pin is held.
// ChangeFeed finds watchers under its own lock and pins the ones it must
// wake (Push() returning true, or Pin()); it calls Pump()/End() and then
// Unpin() after dropping that lock, because StartWrite and Finish are never
// called with any lock held (a reaction may run inline on the calling
// thread). Every public method is thread-safe; none blocks.
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <mutex>
#include <string_view>

#include <grpcpp/grpcpp.h>

#include "proto/rpuffs.pb.h"
#include "storage/volume.h"

namespace rpuffs::server {

class ChangeFeed;

// One change as a mutating handler publishes it (proto's Change, without a
// copy of the name until a watcher queues it).
struct ChangeNote {
  uint64_t ino = 0;
  uint64_t parent = 0;
  std::string_view name;
};
inline ChangeNote InodeNote(uint64_t ino) { return ChangeNote{ino, 0, {}}; }
inline ChangeNote EntryNote(uint64_t parent, std::string_view name) { return ChangeNote{0, parent, name}; }

class Watcher final : public grpc::ServerWriteReactor<v1::WatchEvent> {
 public:
  static constexpr int kMaxQueued = 8192;

  // Not yet writing: call Start() once the feed has registered it.
  Watcher(ChangeFeed* feed, const storage::Volume* volume, uint64_t session);
  ~Watcher() override;

  const storage::Volume* volume() const { return volume_; }
  uint64_t session() const { return session_; }

  // Writes the started event (REQUIRES: called once, after registration).
  void Start();
  // Finishes at once with `st` (REQUIRES: instead of Start(), for a watcher
  // the feed refused).
  void Refuse(const grpc::Status& st);

  // Queues the changes. Returns true if the caller must Pump() and then
  // Unpin() (the watcher is idle; it has been pinned for the caller).
  bool Push(std::initializer_list<ChangeNote> changes);
  // Pins without queueing (the feed does this before End()).
  void Pin();
  // Starts the next write, or the Finish once ending, if nothing is in flight.
  void Pump();
  // Ends the stream with `st` (the first status given wins), then Pump()s.
  void End(const grpc::Status& st);
  // Releases a pin; may delete the watcher.
  void Unpin();

  void OnWriteDone(bool ok) override;
  void OnCancel() override;
  void OnDone() override;

 private:
  // Appends one change unless it repeats the last one queued or names
  // nothing (ino and parent 0); false once
  // the queue overflowed. REQUIRES: mu_ held.
  bool QueueLocked(const ChangeNote& note);
  // Deletes this if OnDone ran and no pin is left. REQUIRES: mu_ not held.
  void DeleteIfUnused(bool done, int pins);

  ChangeFeed* const feed_;
  const storage::Volume* const volume_;  // a key only, never dereferenced
  const uint64_t session_;

  std::mutex mu_;
  v1::WatchEvent pending_;     // guarded by mu_: queued for the next write
  v1::WatchEvent sending_;     // owned by the writer while writing_
  bool writing_ = true;        // guarded by mu_; the started event is first
  bool ending_ = false;        // guarded by mu_: End() was called
  bool finished_ = false;      // guarded by mu_: Finish() was called
  bool done_ = false;          // guarded by mu_: OnDone() ran
  int pins_ = 0;               // guarded by mu_
  grpc::Status end_status_;    // guarded by mu_
};

}  // namespace rpuffs::server
