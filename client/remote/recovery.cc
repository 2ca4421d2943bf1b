// RemoteVolume: getting a session back after the server forgot it.
//
// A call that sees UNAUTHENTICATED parks in SessionState; the first one
// starts recovery here. Order: resume the old session (a restarted server
// still knows it: handles stay valid) -> else open a new session and re-open
// every handle -> release the parked calls. Every step is an async call of
// kind kRecovery (passes the gate, retries UNAVAILABLE within grace).
#include <spdlog/spdlog.h>

#include "client/remote/remote_volume.h"

namespace rpuffs::remote {

void RemoteVolume::StartRecovery() {
  spdlog::warn("event=session_lost session={} action=resume", session_.id());
  Start(kHello, MakeHello(session_.id()),
        Done<v1::HelloReply>([this](int err, v1::HelloReply& rep) { OnResumeReply(err, rep); }),
        CallKind::kRecovery);
}

void RemoteVolume::OnResumeReply(int err, v1::HelloReply& rep) {
  if (err == 0 && rep.session_id() != 0) {
    session_.Adopt(rep.session_id());
    ++recoveries_;
    spdlog::info("event=session_resumed session={}", rep.session_id());
    return FinishRecovery(true);
  }
  if (err == ESTALE) return OpenNewSession();
  spdlog::error("event=session_resume_failed errno={}", err);
  FinishRecovery(false);
}

void RemoteVolume::OpenNewSession() {
  Start(kHello, MakeHello(0), Done<v1::HelloReply>([this](int err, v1::HelloReply& rep) {
          if (err != 0 || rep.session_id() == 0) {
            spdlog::error("event=session_open_failed errno={}", err);
            return FinishRecovery(false);
          }
          session_.Adopt(rep.session_id());
          ++recoveries_;
          spdlog::warn("event=session_replaced session={}", rep.session_id());
          ReopenHandles();
        }),
        CallKind::kRecovery);
}

void RemoteVolume::ReopenHandles() {
  std::vector<OpenHandle> handles = session_.Handles();
  if (handles.empty()) return FinishRecovery(true);
  auto remaining = std::make_shared<std::atomic<size_t>>(handles.size());
  for (const OpenHandle& h : handles) {
    v1::OpenRequest req;
    req.set_ino(h.ino);
    req.set_flags(h.flags);  // as root: the open was already permitted once
    Done<v1::OpenReply> done = [this, local = h.local, ino = h.ino, remaining](int err,
                                                                              v1::OpenReply& rep) {
      if (err != 0) spdlog::warn("event=handle_lost ino={} errno={}", ino, err);
      session_.RebindHandle(local, err == 0 ? std::optional<uint64_t>(rep.fh()) : std::nullopt);
      if (--*remaining == 0) FinishRecovery(true);
    };
    Start(kOpen, std::move(req), std::move(done), CallKind::kRecovery);
  }
}

void RemoteVolume::FinishRecovery(bool ok) {
  for (auto& waiter : session_.EndRecovery()) waiter(ok);
}

}  // namespace rpuffs::remote
