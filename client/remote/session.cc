#include "client/remote/session.h"

namespace rpuffs::remote {

void SessionState::Adopt(uint64_t session_id) {
  std::lock_guard<std::mutex> lock(mu_);
  id_ = session_id;
  ++generation_;
}

uint64_t SessionState::id() const {
  std::lock_guard<std::mutex> lock(mu_);
  return id_;
}

bool SessionState::Stamp(Ticket* t, bool mutation, bool bypass_gate, Waiter w, uint64_t seqs) {
  std::lock_guard<std::mutex> lock(mu_);
  if (recovering_ && !bypass_gate) {
    waiters_.push_back(std::move(w));
    return false;
  }
  if (mutation && (t->seq == 0 || t->session_id != id_)) {
    if (t->seq != 0) in_flight_.erase(t->seq);
    t->seq = next_seq_;
    next_seq_ += seqs == 0 ? 1 : seqs;
    // The first stands for all: the others are above it, so acked_below
    // stays at or below each of them until End.
    in_flight_.insert(t->seq);
  }
  t->session_id = id_;
  t->generation = generation_;
  return true;
}

uint64_t SessionState::AckedBelow() const {
  std::lock_guard<std::mutex> lock(mu_);
  return in_flight_.empty() ? next_seq_ : *in_flight_.begin();
}

void SessionState::EndMutation(uint64_t seq) {
  std::lock_guard<std::mutex> lock(mu_);
  in_flight_.erase(seq);
}

SessionState::LostAction SessionState::OnSessionLost(const Ticket& t, Waiter w) {
  std::lock_guard<std::mutex> lock(mu_);
  if (t.generation != generation_ && !recovering_) return LostAction::kRetryNow;
  waiters_.push_back(std::move(w));
  if (recovering_) return LostAction::kParked;
  recovering_ = true;
  return LostAction::kStartRecovery;
}

std::vector<SessionState::Waiter> SessionState::EndRecovery() {
  std::lock_guard<std::mutex> lock(mu_);
  recovering_ = false;
  std::vector<Waiter> out;
  out.swap(waiters_);
  return out;
}

uint64_t SessionState::AddHandle(uint64_t ino, uint32_t flags, uint64_t server_fh) {
  std::lock_guard<std::mutex> lock(mu_);
  uint64_t local = next_local_++;
  handles_[local] = OpenHandle{local, ino, flags, server_fh, false};
  return local;
}

std::optional<uint64_t> SessionState::ServerFh(uint64_t local) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = handles_.find(local);
  if (it == handles_.end() || it->second.lost) return std::nullopt;
  return it->second.server_fh;
}

void SessionState::RemoveHandle(uint64_t local) {
  std::lock_guard<std::mutex> lock(mu_);
  handles_.erase(local);
}

std::vector<OpenHandle> SessionState::Handles() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<OpenHandle> out;
  for (const auto& [local, h] : handles_) out.push_back(h);
  return out;
}

void SessionState::RebindHandle(uint64_t local, std::optional<uint64_t> server_fh) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = handles_.find(local);
  if (it == handles_.end()) return;
  it->second.lost = !server_fh.has_value();
  if (server_fh) it->second.server_fh = *server_fh;
}

}  // namespace rpuffs::remote
