// client/remote — the session's Watch stream (rpuffs.v1 Watch): what OTHER
// sessions of the volume changed, pushed by the server after each commit.
//
// A Watcher lives as long as its RemoteVolume (RemoteVolume::StartWatch). It
// opens the stream under the current session and reports, in order, through
// one callback:
// - kStarted: the server's first event {started}: from now on every change
//   by another session will be reported;
// - kChanges: a batch of changes (coalesced, in commit order);
// - kOverflow: the server dropped notices: drop everything cached;
// - kStopped: the stream ended or failed after it had started (server
//   restart, network, session lost, shutdown): changes may go unreported
//   until the next kStarted.
// A stream that never started ends silently (e.g. a server without Watch
// answers UNIMPLEMENTED: the caller simply never hears kStarted).
// The watch is re-opened while the session lives: after a failure with the
// reconnect backoff (100 ms doubling to 1 s, reset by each start), after
// UNIMPLEMENTED only every 30 s, after an unknown session once the session is
// recovered (recovery.cc; this starts recovery like any call would).
//
// Threading: the callback runs on gRPC threads, never two at once, never
// with a lock held; it must only hand the update off. Cancel() (inherited,
// thread-safe) ends the watch for good: RemoteVolume's destructor cancels it
// with every call and waits for it (CallHost::CallEnded) like for a call.
#pragma once

#include <grpcpp/alarm.h>
#include <grpcpp/client_context.h>

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "client/remote/call.h"

namespace rpuffs::remote {

struct WatchUpdate {
  enum class Kind { kStarted, kChanges, kOverflow, kStopped };
  Kind kind = Kind::kStarted;
  std::vector<v1::Change> changes;  // kChanges only
};
using WatchCallback = std::function<void(WatchUpdate update)>;

class Watcher final : public CallControl, public std::enable_shared_from_this<Watcher> {
 public:
  Watcher(CallHost* host, WatchCallback callback);
  ~Watcher() override;

  // Opens the stream (first call; the watcher re-opens it by itself later).
  void Open();
  // True between kStarted and kStopped.
  bool watching() const { return watching_.load(); }

 private:
  class Attempt;
  void OnCancelled() override;
  void OnEvent(const v1::WatchEvent& event);
  void OnAttemptDone(const grpc::Status& status, bool started);
  void OnSessionLost();
  void ScheduleOpen(std::chrono::milliseconds delay);
  void Deliver(WatchUpdate::Kind kind, std::vector<v1::Change> changes = {});
  void End();

  CallHost* host_;
  WatchCallback callback_;
  Ticket ticket_;
  std::chrono::milliseconds backoff_;
  std::atomic<bool> watching_{false};
  std::atomic<bool> ended_{false};
  std::mutex alarm_mu_;
  std::shared_ptr<grpc::Alarm> alarm_;  // GUARDED_BY(alarm_mu_)
};

}  // namespace rpuffs::remote
