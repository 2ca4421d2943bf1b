#include "client/remote/remote_volume.h"

#include <unistd.h>

#include <random>

#include <spdlog/spdlog.h>

#include "client/remote/channel.h"

namespace rpuffs::remote {
namespace {

constexpr auto kDrainTimeout = std::chrono::seconds(5);
constexpr auto kGoodbyeTimeout = std::chrono::seconds(2);
constexpr auto kHelloRetryPause = std::chrono::milliseconds(100);

std::string HostName() {
  char buf[256] = {};
  if (gethostname(buf, sizeof buf - 1) != 0) return "rpuffs";
  return buf;
}

RemoteVolume::ConnectError HelloStatusError(const grpc::Status& st, const std::string& target) {
  switch (st.error_code()) {
    case grpc::StatusCode::UNAUTHENTICATED:
      return {EACCES, "server " + target + " refused the token: " + st.error_message()};
    case grpc::StatusCode::UNAVAILABLE:
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return {ECONNREFUSED, "cannot reach rpuffsd at " + target + ": " + st.error_message()};
    default:
      return {EIO, "Hello to " + target + " failed: gRPC code " +
                       std::to_string(static_cast<int>(st.error_code())) + " " + st.error_message()};
  }
}

RemoteVolume::ConnectError HelloReplyError(int err, const RemoteOptions& o) {
  switch (err) {
    case ENOENT: return {ENOENT, "no volume '" + o.volume + "' on " + o.target};
    case EPROTONOSUPPORT: return {err, "server " + o.target + " does not speak protocol version 1"};
    default: return {err, "server " + o.target + " refused the session: " + strerror(err)};
  }
}

}  // namespace

void CallControl::Cancel() {
  std::shared_ptr<grpc::ClientContext> ctx;
  {
    std::lock_guard<std::mutex> lock(mu_);
    cancelled_ = true;
    ctx = live_;
  }
  if (ctx) ctx->TryCancel();
  OnCancelled();
}

bool CallControl::cancelled() const {
  std::lock_guard<std::mutex> lock(mu_);
  return cancelled_;
}

void CallControl::SetLiveContext(std::shared_ptr<grpc::ClientContext> ctx) {
  bool cancel;
  {
    std::lock_guard<std::mutex> lock(mu_);
    live_ = ctx;
    cancel = cancelled_;
  }
  // A Cancel() that came before the context existed still applies.
  if (ctx && cancel) ctx->TryCancel();
}

RemoteVolume::RemoteVolume(const RemoteOptions& options, std::shared_ptr<grpc::Channel> channel)
    : options_(options), client_id_(std::random_device{}() | (uint64_t{std::random_device{}()} << 32)),
      channel_(std::move(channel)), stub_(v1::Volume::NewStub(channel_)) {
  if (options_.client_name.empty()) options_.client_name = HostName();
}

std::unique_ptr<RemoteVolume> RemoteVolume::Connect(const RemoteOptions& options,
                                                    ConnectError* error) {
  std::unique_ptr<RemoteVolume> vol(new RemoteVolume(options, MakeChannel(options.target)));
  // Fail fast: a server that is down answers UNAVAILABLE at once instead of
  // this call waiting for it (STACK-NOTES §1.2). A connection that was not
  // refused but did not complete (a busy server: handshake timed out or cut
  // short) is tried again until connect_timeout.
  auto deadline = Clock::now() + options.connect_timeout;
  v1::HelloReply rep;
  grpc::Status st;
  for (int attempt = 0;; ++attempt) {
    grpc::ClientContext ctx;
    ctx.set_deadline(deadline);
    rep.Clear();
    st = vol->stub_->Hello(&ctx, vol->MakeHello(0), &rep);
    const std::string& why = st.error_message();
    bool refused = why.find("Connection refused") != std::string::npos ||
                   why.find("DNS resolution failed") != std::string::npos;
    if (st.error_code() != grpc::StatusCode::UNAVAILABLE || refused ||
        Clock::now() + kHelloRetryPause >= deadline) {
      break;
    }
    spdlog::debug("event=hello_retry attempt={} why=\"{}\"", attempt + 1, st.error_message());
    std::this_thread::sleep_for(kHelloRetryPause);
  }
  if (!st.ok()) {
    *error = HelloStatusError(st, options.target);
    return nullptr;
  }
  if (int err = ErrnoFromReply(rep.err()); err != 0) {
    *error = HelloReplyError(err, options);
    return nullptr;
  }
  if (rep.session_id() == 0 || rep.root_ino() == 0) {
    *error = {EPROTO, "server " + options.target + " sent a Hello reply without session or root"};
    return nullptr;
  }
  vol->hello_ = rep;
  vol->session_.Adopt(rep.session_id());
  spdlog::info("event=session_open target={} volume={} session={} lease_ms={}", options.target,
               options.volume, rep.session_id(), rep.lease_ms());
  vol->keepalive_thread_ = std::thread([v = vol.get()] { v->KeepAliveLoop(); });
  return vol;
}

RemoteVolume::~RemoteVolume() {
  closing_ = true;
  {
    std::lock_guard<std::mutex> lock(keepalive_mu_);
  }
  keepalive_cv_.notify_all();
  if (keepalive_thread_.joinable()) keepalive_thread_.join();
  CancelAllAndWait();
  if (session_.id() == 0) return;
  grpc::ClientContext ctx;
  ctx.set_deadline(Clock::now() + kGoodbyeTimeout);
  v1::GoodbyeRequest req;
  req.mutable_hdr()->set_session_id(session_.id());
  req.mutable_hdr()->set_acked_below(session_.AckedBelow());
  v1::ErrReply rep;
  grpc::Status st = stub_->Goodbye(&ctx, req, &rep);
  if (!st.ok()) spdlog::debug("event=goodbye_failed code={}", st.error_code());
}

void RemoteVolume::StartWatch(WatchCallback callback) {
  auto watcher = std::make_shared<Watcher>(this, std::move(callback));
  {
    std::lock_guard<std::mutex> lock(calls_mu_);
    if (watcher_ || closing_) return;
    watcher_ = watcher;
    live_calls_.emplace(watcher.get(), watcher);
  }
  watcher->Open();
}

bool RemoteVolume::watching() const {
  std::lock_guard<std::mutex> lock(calls_mu_);
  return watcher_ && watcher_->watching();
}

void RemoteVolume::CallEnded(CallControl* call) {
  std::lock_guard<std::mutex> lock(calls_mu_);
  live_calls_.erase(call);
  if (live_calls_.size() <= 1) calls_cv_.notify_all();  // 1: maybe the watch alone
}

bool RemoteVolume::WaitCallsDone(std::chrono::milliseconds limit) {
  std::unique_lock<std::mutex> lock(calls_mu_);
  return calls_cv_.wait_for(lock, limit, [this] {
    size_t watch = watcher_ && live_calls_.count(watcher_.get()) ? 1 : 0;
    return live_calls_.size() <= watch;
  });
}

void RemoteVolume::CancelAllAndWait() {
  // Cancel outside calls_mu_: a completion run inline takes it (CallEnded).
  std::vector<std::shared_ptr<CallControl>> calls;
  {
    std::lock_guard<std::mutex> lock(calls_mu_);
    for (auto& [raw, weak] : live_calls_) {
      if (auto call = weak.lock()) calls.push_back(std::move(call));
    }
  }
  for (auto& call : calls) call->Cancel();
  calls.clear();
  std::unique_lock<std::mutex> lock(calls_mu_);
  if (!calls_cv_.wait_for(lock, kDrainTimeout, [this] { return live_calls_.empty(); })) {
    spdlog::warn("event=calls_left_at_close count={}", live_calls_.size());
  }
}

v1::HelloRequest RemoteVolume::MakeHello(uint64_t resume_session_id) const {
  v1::HelloRequest req;
  req.set_protocol_version(1);
  req.set_volume(options_.volume);
  req.set_client_id(client_id_);
  req.set_token(options_.token);
  req.set_resume_session_id(resume_session_id);
  req.set_client_name(options_.client_name);
  return req;
}

}  // namespace rpuffs::remote
