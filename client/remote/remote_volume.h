// client/remote — RemoteVolume: one mount's (or one load client's) link to
// one volume on one rpuffsd.
//
// Owns the channel (channel.h), the session (session.h) and a KeepAlive
// thread that renews the session's lease every half lease. Connect() is the
// only blocking call: it opens the channel and sends a fail-fast Hello with
// a deadline, so a server that is down is reported at once.
//
// Call() starts any rpuffs.v1 RPC asynchronously (call.h says how it
// retries, recovers and completes). Fill in the request as the proto says,
// including hdr.cred when the server should check a caller's permissions,
// and leave hdr's session_id/seq/acked_below and handles to RemoteVolume:
// handles (`fh`) are local ids that stay valid across session changes.
//
// Session lifecycle: after a server restart the session is resumed
// (Hello.resume_session_id) and every handle stays valid. If the server no
// longer knows the session (it expired while the server was unreachable),
// a new session is opened and every open handle re-opened by inode with its
// access mode; a handle whose file cannot be re-opened (e.g. it was unlinked
// and reclaimed) answers EIO from then on, and release still succeeds.
// Mutations in flight then carry new sequence numbers: one that the old
// session applied just before it was lost may be applied again.
//
// Watch (watch.h): StartWatch() opens the session's stream of other
// sessions' changes and keeps it open (re-opened after failures and session
// recoveries) until destruction; updates go to the callback on gRPC threads.
//
// Thread-safe. Destroying it cancels calls in flight (EINTR) and the watch,
// waits up to a few seconds for their completions, and says Goodbye to the
// server.
#pragma once

#include <atomic>
#include <condition_variable>
#include <memory>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "client/remote/call.h"
#include "client/remote/options.h"
#include "client/remote/watch.h"

namespace rpuffs::remote {

class RemoteVolume final : public CallHost {
 public:
  // Why Connect failed: errno-like code (ECONNREFUSED: unreachable or no
  // answer within connect_timeout; ENOENT: no such volume; EACCES: bad token;
  // EPROTONOSUPPORT; EIO) and one line for the user.
  struct ConnectError {
    int err = 0;
    std::string message;
  };
  static std::unique_ptr<RemoteVolume> Connect(const RemoteOptions& options, ConnectError* error);
  ~RemoteVolume() override;
  RemoteVolume(const RemoteVolume&) = delete;
  RemoteVolume& operator=(const RemoteVolume&) = delete;

  template <class Req, class Rep>
  std::shared_ptr<CallControl> Call(const Rpc<Req, Rep>& rpc, Req req, Done<Rep> done) {
    return Start(rpc, std::move(req), std::move(done), CallKind::kNormal);
  }

  // Waits, cancelling nothing, until no call but the watch stream is in
  // flight, or until `limit` passed; true if none is left. Blocks.
  bool WaitCallsDone(std::chrono::milliseconds limit);

  // At most once. `callback` runs on gRPC threads (watch.h).
  void StartWatch(WatchCallback callback);
  // True while the server's watch stream is up (after its start event).
  bool watching() const;

  const v1::HelloReply& hello() const { return hello_; }
  uint64_t root_ino() const { return hello_.root_ino(); }
  const RemoteOptions& options() const { return options_; }
  uint64_t session_id() { return session_.id(); }
  // Number of sessions adopted so far (1 after Connect; +1 per recovery).
  uint64_t recoveries() const { return recoveries_.load(); }

  // CallHost
  SessionState& session() override { return session_; }
  StubAsync* async_stub() override { return stub_->async(); }
  bool closing() const override { return closing_.load(); }
  void StartRecovery() override;
  void CallEnded(CallControl* call) override;

 private:
  RemoteVolume(const RemoteOptions& options, std::shared_ptr<grpc::Channel> channel);

  template <class Req, class Rep>
  std::shared_ptr<CallControl> Start(const Rpc<Req, Rep>& rpc, Req req, Done<Rep> done,
                                     CallKind kind) {
    auto call = std::make_shared<CallState<Req, Rep>>(this, rpc, std::move(req), std::move(done),
                                                      kind, Clock::now() + options_.grace);
    {
      std::lock_guard<std::mutex> lock(calls_mu_);
      live_calls_.emplace(call.get(), call);
    }
    call->Attempt();
    return call;
  }

  v1::HelloRequest MakeHello(uint64_t resume_session_id) const;
  void OnResumeReply(int err, v1::HelloReply& rep);
  void OpenNewSession();
  void ReopenHandles();
  void FinishRecovery(bool ok);
  void KeepAliveLoop();
  void CancelAllAndWait();

  RemoteOptions options_;
  uint64_t client_id_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::Volume::Stub> stub_;
  v1::HelloReply hello_;
  SessionState session_;
  std::atomic<bool> closing_{false};
  std::atomic<uint64_t> recoveries_{0};

  mutable std::mutex calls_mu_;
  std::condition_variable calls_cv_;
  std::unordered_map<CallControl*, std::weak_ptr<CallControl>> live_calls_;

  std::shared_ptr<Watcher> watcher_;  // set once by StartWatch

  std::mutex keepalive_mu_;
  std::condition_variable keepalive_cv_;
  std::atomic<bool> keepalive_in_flight_{false};
  std::thread keepalive_thread_;
};

}  // namespace rpuffs::remote
