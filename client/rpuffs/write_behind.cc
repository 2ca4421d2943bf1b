#include "client/rpuffs/write_behind.h"

namespace rpuffs::client {

WriteBehind::~WriteBehind() {
  for (auto& w : waiters_) w->cc = nullptr;
}

bool WriteBehind::Blocked(const Range& r) const {
  // Never block the only write: a single write larger than the budget goes alone.
  if (!pending_.empty() && bytes_ + r.len > max_bytes_) return true;
  for (const auto& [id, p] : pending_) {
    if (p.barrier) return true;
    if (p.ino != r.ino) continue;
    if (r.append || p.append) return true;
    if (r.off < p.off + p.len && p.off < r.off + r.len) return true;
  }
  return false;
}

uint64_t WriteBehind::Begin(uint64_t ino, uint64_t off, uint64_t len, bool append) {
  Range r{ino, off, len, append};
  while (Blocked(r)) Park();
  pending_[next_id_] = r;
  bytes_ += len;
  return next_id_++;
}

uint64_t WriteBehind::BeginBarrier() {
  pending_[next_id_] = Range{0, 0, 0, false, true};
  return next_id_++;
}

void WriteBehind::End(uint64_t id, uint64_t fh, int err) {
  auto it = pending_.find(id);
  if (it != pending_.end()) {
    bytes_ -= it->second.len;
    pending_.erase(it);
  }
  Fail(fh, err);  // keeps the first one
  WakeAll();
}

void WriteBehind::WaitIdle() {
  while (!pending_.empty()) Park();
}

int WriteBehind::TakeError(uint64_t fh) {
  auto it = errors_.find(fh);
  if (it == errors_.end()) return 0;
  int err = it->second;
  errors_.erase(it);
  return err;
}

void WriteBehind::Park() {
  auto w = std::make_shared<Waiter>(Waiter{puffs::Continuation::Current()});
  waiters_.push_back(w);
  struct Unpark {
    std::shared_ptr<Waiter> w;
    ~Unpark() { w->cc = nullptr; }
  } unpark{w};
  puffs::Continuation::Yield();
}

void WriteBehind::WakeAll() {
  std::vector<std::shared_ptr<Waiter>> woken;
  woken.swap(waiters_);
  // Scheduled, not resumed here: End runs inside the completion queue's drain.
  for (auto& w : woken) {
    if (w->cc) puffs::Continuation::Schedule(w->cc);
  }
}

}  // namespace rpuffs::client
