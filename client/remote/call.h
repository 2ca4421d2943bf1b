// client/remote — one RPC from start to its single completion.
//
// A CallState owns the request, the reply and the current ClientContext. It
// stamps the header (session, seq, acked_below), rewrites a local handle id
// to the server's, starts the call through the callback API with the call's
// deadline (start + grace) and wait_for_ready, and on completion:
// - OK: done(errno from reply.err, reply);
// - UNAVAILABLE before the deadline: the SAME request (same seq) again after
//   a short backoff (20 ms doubling to 1 s), with a fresh context;
// - UNAUTHENTICATED (session unknown): parks until the session is recovered
//   (RemoteVolume, recovery.cc), then again;
// - cancelled (Cancel()): EINTR; anything else: errors.h.
// `done` runs exactly once, on a gRPC thread (or, for a call refused before
// it started, on the thread that called Cancel/Call); it must only hand the
// result off and must not block. The reply is valid only during `done`.
// Cancel() is thread-safe and may be called any number of times.
#pragma once

#include <grpcpp/alarm.h>
#include <grpcpp/client_context.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <mutex>

#include "client/remote/errors.h"
#include "client/remote/request_traits.h"
#include "client/remote/rpcs.h"
#include "client/remote/session.h"

namespace rpuffs::remote {

using Clock = std::chrono::system_clock;

template <class Rep>
using Done = std::function<void(int err, Rep& reply)>;

enum class CallKind {
  kNormal,    // a caller's call: gate, handles, session recovery
  kRecovery,  // issued by recovery itself: passes the gate, no handle bookkeeping
};

class CallControl {
 public:
  virtual ~CallControl() = default;
  // Cancels the call: it completes with EINTR unless it already succeeded.
  void Cancel();

 protected:
  bool cancelled() const;
  void SetLiveContext(std::shared_ptr<grpc::ClientContext> ctx);
  // Runs once per Cancel(), after the live context was cancelled, with no
  // lock held: for work a cancel must also stop (a pending alarm).
  virtual void OnCancelled() {}

 private:
  // TryCancel runs outside mu_: gRPC may run the completion (which takes
  // mu_) inline on the cancelling thread. The shared_ptr keeps the context
  // alive for that call.
  mutable std::mutex mu_;
  bool cancelled_ = false;
  std::shared_ptr<grpc::ClientContext> live_;
};

// What a call needs from the RemoteVolume that started it.
class CallHost {
 public:
  virtual ~CallHost() = default;
  virtual SessionState& session() = 0;
  virtual StubAsync* async_stub() = 0;
  virtual bool closing() const = 0;
  virtual void StartRecovery() = 0;
  virtual void CallEnded(CallControl* call) = 0;
};

template <class Req, class Rep>
class CallState final : public CallControl, public std::enable_shared_from_this<CallState<Req, Rep>> {
 public:
  CallState(CallHost* host, const Rpc<Req, Rep>& rpc, Req req, Done<Rep> done, CallKind kind,
            Clock::time_point deadline)
      : host_(host), rpc_(rpc), req_(std::move(req)), done_(std::move(done)), kind_(kind),
        deadline_(deadline), mutation_(IsMutation(req_)) {
    if constexpr (HasFh<Req>::value) local_fh_ = req_.fh();
    CaptureInner(req_, &inner_);
  }

  void Attempt() {
    if (cancelled()) return Complete(EINTR);
    if constexpr (HasHdr<Req>::value) {
      if (!Stamp()) return;
    }
    ctx_ = std::make_shared<grpc::ClientContext>();
    ctx_->set_deadline(deadline_);
    ctx_->set_wait_for_ready(true);
    SetLiveContext(ctx_);
    rep_.Clear();
    auto self = this->shared_from_this();
    (host_->async_stub()->*rpc_.method)(ctx_.get(), &req_, &rep_,
                                        [self](grpc::Status s) { self->OnStatus(s); });
  }

 private:
  // False when the call was parked behind recovery or completed here.
  bool Stamp() {
    SessionState& s = host_->session();
    auto self = this->shared_from_this();
    auto resume = [self](bool ok) { ok ? self->Attempt() : self->Complete(EIO); };
    if (!s.Stamp(&ticket_, mutation_, kind_ == CallKind::kRecovery, resume, SeqCount(req_))) return false;
    auto* hdr = req_.mutable_hdr();
    hdr->set_session_id(ticket_.session_id);
    hdr->set_seq(ticket_.seq);
    hdr->set_acked_below(s.AckedBelow());
    if constexpr (HasFh<Req>::value) {
      if (local_fh_ != 0 && kind_ == CallKind::kNormal) {
        auto fh = s.ServerFh(local_fh_);
        if (!fh) {
          Complete(std::is_same_v<Req, v1::ReleaseRequest> ? 0 : MissingHandleErrno(s, local_fh_));
          return false;
        }
        req_.set_fh(*fh);
      }
    }
    if (kind_ == CallKind::kNormal) MapInner(s, inner_, &req_);
    return true;
  }

  void OnStatus(const grpc::Status& status) {
    SetLiveContext(nullptr);
    if (status.ok()) return Complete(ErrnoFromReply(rep_.err()));
    bool was_cancelled = cancelled();
    bool in_time = Clock::now() < deadline_ && !host_->closing() && !was_cancelled;
    if (in_time && status.error_code() == grpc::StatusCode::UNAVAILABLE) return ScheduleRetry();
    if constexpr (HasHdr<Req>::value) {
      if (in_time && kind_ == CallKind::kNormal &&
          status.error_code() == grpc::StatusCode::UNAUTHENTICATED && ++session_losses_ <= 3) {
        return OnSessionLost();
      }
    }
    Complete(ErrnoFromStatus(status, rpc_.name, was_cancelled));
  }

  void ScheduleRetry() {
    backoff_ = std::min(backoff_ * 2, std::chrono::milliseconds(1000));
    alarm_ = std::make_unique<grpc::Alarm>();
    auto self = this->shared_from_this();
    // The alarm keeps its function until the alarm is destroyed; moving the
    // reference out breaks the cycle call -> alarm -> function -> call.
    alarm_->Set(std::min(Clock::now() + backoff_, deadline_), [self](bool) mutable {
      auto call = std::move(self);
      call->Attempt();
    });
  }

  void OnSessionLost() {
    auto self = this->shared_from_this();
    auto resume = [self](bool ok) { ok ? self->Attempt() : self->Complete(EIO); };
    switch (host_->session().OnSessionLost(ticket_, resume)) {
      case SessionState::LostAction::kRetryNow: return Attempt();
      case SessionState::LostAction::kStartRecovery: return host_->StartRecovery();
      case SessionState::LostAction::kParked: return;
    }
  }

  void Complete(int err) {
    if (ticket_.seq != 0) host_->session().EndMutation(ticket_.seq);
    if (kind_ == CallKind::kNormal) {
      AfterReply(host_->session(), req_, rep_, err, local_fh_);
      AfterInner(host_->session(), req_, inner_);
    }
    Done<Rep> done = std::move(done_);
    done_ = nullptr;
    if (done) done(err, rep_);
    // The context holds a reference to the channel. Drop it before the host
    // learns the call has ended: the host may then destroy the channel, and
    // its last reference must not go on a gRPC callback thread (destroying
    // the callback CQ from its own thread crashes, grpc PR #32584).
    ctx_.reset();
    host_->CallEnded(this);
  }

  CallHost* host_;
  Rpc<Req, Rep> rpc_;
  Req req_;
  Rep rep_;
  Done<Rep> done_;
  CallKind kind_;
  Clock::time_point deadline_;
  bool mutation_;
  uint64_t local_fh_ = 0;
  InnerHandles inner_;
  Ticket ticket_;
  int session_losses_ = 0;
  std::chrono::milliseconds backoff_{10};
  std::shared_ptr<grpc::ClientContext> ctx_;
  std::unique_ptr<grpc::Alarm> alarm_;
};

}  // namespace rpuffs::remote
