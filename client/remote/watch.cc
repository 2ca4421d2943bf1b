#include "client/remote/watch.h"

#include <spdlog/spdlog.h>

namespace rpuffs::remote {
namespace {

constexpr std::chrono::milliseconds kFirstBackoff{100};
constexpr std::chrono::milliseconds kMaxBackoff{1000};
constexpr std::chrono::milliseconds kUnimplementedRetry{30000};

}  // namespace

// One stream. gRPC drives it through the reactor; it deletes itself in
// OnDone (the last reaction) after handing the status to its watcher.
class Watcher::Attempt final : public grpc::ClientReadReactor<v1::WatchEvent> {
 public:
  Attempt(std::shared_ptr<Watcher> owner, std::shared_ptr<grpc::ClientContext> ctx,
          v1::WatchRequest req)
      : owner_(std::move(owner)), ctx_(std::move(ctx)), req_(std::move(req)) {}

  void Go(StubAsync* stub) {
    stub->Watch(ctx_.get(), &req_, this);
    StartRead(&event_);
    StartCall();
  }

  void OnReadDone(bool ok) override {
    if (!ok) return;  // OnDone follows with the status
    started_ |= event_.started();
    owner_->OnEvent(event_);
    event_.Clear();
    StartRead(&event_);
  }

  void OnDone(const grpc::Status& status) override {
    std::shared_ptr<Watcher> owner = std::move(owner_);
    bool started = started_;
    delete this;
    owner->OnAttemptDone(status, started);
  }

 private:
  std::shared_ptr<Watcher> owner_;
  std::shared_ptr<grpc::ClientContext> ctx_;
  v1::WatchRequest req_;
  v1::WatchEvent event_;
  bool started_ = false;
};

Watcher::Watcher(CallHost* host, WatchCallback callback)
    : host_(host), callback_(std::move(callback)), backoff_(kFirstBackoff) {}

Watcher::~Watcher() = default;

void Watcher::Open() {
  if (cancelled() || host_->closing()) return End();
  auto self = shared_from_this();
  auto resume = [self](bool ok) { ok ? self->Open() : self->ScheduleOpen(self->backoff_); };
  // Not a mutation: no sequence number; parks while the session is recovered.
  if (!host_->session().Stamp(&ticket_, false, false, resume)) return;
  v1::WatchRequest req;
  req.mutable_hdr()->set_session_id(ticket_.session_id);
  req.mutable_hdr()->set_acked_below(host_->session().AckedBelow());
  auto ctx = std::make_shared<grpc::ClientContext>();
  // No deadline: the stream lives as long as the session. Wait for the
  // channel instead of failing while the server is down.
  ctx->set_wait_for_ready(true);
  SetLiveContext(ctx);
  (new Attempt(self, ctx, std::move(req)))->Go(host_->async_stub());
}

void Watcher::OnEvent(const v1::WatchEvent& event) {
  if (event.started()) {
    backoff_ = kFirstBackoff;
    watching_ = true;
    spdlog::info("event=watch_started session={}", ticket_.session_id);
    Deliver(WatchUpdate::Kind::kStarted);
  }
  if (event.overflow()) {
    spdlog::warn("event=watch_overflow session={}", ticket_.session_id);
    Deliver(WatchUpdate::Kind::kOverflow);
  }
  if (event.changes_size() > 0) {
    Deliver(WatchUpdate::Kind::kChanges,
            std::vector<v1::Change>(event.changes().begin(), event.changes().end()));
  }
}

void Watcher::OnAttemptDone(const grpc::Status& status, bool started) {
  // The context holds the channel: let go of it before anything can end.
  SetLiveContext(nullptr);
  bool ending = cancelled() || host_->closing();
  if (started) {
    watching_ = false;
    spdlog::log(ending ? spdlog::level::debug : spdlog::level::warn,
                "event=watch_stopped code={} msg=\"{}\"", status.error_code(),
                status.error_message());
    Deliver(WatchUpdate::Kind::kStopped);
  }
  if (ending) return End();
  switch (status.error_code()) {
    case grpc::StatusCode::UNAUTHENTICATED:
      return OnSessionLost();
    case grpc::StatusCode::UNIMPLEMENTED:
      spdlog::info("event=watch_unavailable reason=unimplemented retry_s={}",
                   kUnimplementedRetry.count() / 1000);
      return ScheduleOpen(kUnimplementedRetry);
    default:
      if (!started) spdlog::debug("event=watch_failed code={}", status.error_code());
      ScheduleOpen(backoff_);
      backoff_ = std::min(backoff_ * 2, kMaxBackoff);
  }
}

void Watcher::OnSessionLost() {
  auto self = shared_from_this();
  auto resume = [self](bool ok) { ok ? self->Open() : self->ScheduleOpen(self->backoff_); };
  switch (host_->session().OnSessionLost(ticket_, resume)) {
    case SessionState::LostAction::kRetryNow: return Open();
    case SessionState::LostAction::kStartRecovery: return host_->StartRecovery();
    case SessionState::LostAction::kParked: return;
  }
}

void Watcher::ScheduleOpen(std::chrono::milliseconds delay) {
  auto alarm = std::make_shared<grpc::Alarm>();
  {
    std::lock_guard<std::mutex> lock(alarm_mu_);
    alarm_ = alarm;
  }
  // The alarm keeps its function until it is destroyed: moving the
  // reference out breaks the cycle watcher -> alarm -> function -> watcher.
  alarm->Set(Clock::now() + delay, [self = shared_from_this()](bool) mutable {
    auto watcher = std::move(self);
    watcher->Open();  // cancelled (alarm or watcher): Open() ends it
  });
  if (cancelled()) alarm->Cancel();
}

void Watcher::OnCancelled() {
  std::shared_ptr<grpc::Alarm> alarm;
  {
    std::lock_guard<std::mutex> lock(alarm_mu_);
    alarm = alarm_;
  }
  if (alarm) alarm->Cancel();
}

void Watcher::Deliver(WatchUpdate::Kind kind, std::vector<v1::Change> changes) {
  if (!callback_) return;
  WatchUpdate update;
  update.kind = kind;
  update.changes = std::move(changes);
  callback_(std::move(update));
}

void Watcher::End() {
  if (ended_.exchange(true)) return;
  host_->CallEnded(this);
}

}  // namespace rpuffs::remote
