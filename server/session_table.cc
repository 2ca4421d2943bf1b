#include "server/session_table.h"

#include <random>
#include <vector>

#include "server/log.h"

namespace rpuffs::server {

void Session::Ack(uint64_t acked_below) {
  if (any_released_.load(std::memory_order_relaxed)) {
    std::lock_guard<std::mutex> lock(released_mu_);
    released_.erase(released_.begin(), released_.lower_bound(acked_below));
    any_released_.store(!released_.empty(), std::memory_order_relaxed);
  }
  uint64_t sent = acked_sent_.load(std::memory_order_relaxed);
  if (acked_below < sent + kAckStride) return;
  // Only the thread that advances the watermark tells storage.
  if (!acked_sent_.compare_exchange_strong(sent, acked_below)) return;
  storage::Status st = volume_->AckBelow(id_, acked_below);
  if (!st.ok()) {
    spdlog::warn("event=ack-below session={:x} errno={} msg=\"{}\"", id_, st.err(), st.message());
  }
}

void Session::MarkWritten(uint64_t fh) {
  std::lock_guard<std::mutex> lock(written_mu_);
  written_.insert(fh);
}

bool Session::TakeWritten(uint64_t fh) {
  std::lock_guard<std::mutex> lock(written_mu_);
  return written_.erase(fh) > 0 || restored_;
}

std::unordered_set<uint64_t> Session::ClearWritten() {
  std::unordered_set<uint64_t> cleared;
  std::lock_guard<std::mutex> lock(written_mu_);
  cleared.swap(written_);
  return cleared;
}

void Session::RestoreWritten(std::unordered_set<uint64_t> handles) {
  std::lock_guard<std::mutex> lock(written_mu_);
  written_.merge(handles);
}

std::optional<int> Session::ReleaseOutcome(uint64_t seq) {
  if (!any_released_.load(std::memory_order_acquire)) return std::nullopt;
  std::lock_guard<std::mutex> lock(released_mu_);
  auto it = released_.find(seq);
  if (it == released_.end()) return std::nullopt;
  return it->second;
}

void Session::RecordRelease(uint64_t seq, int err) {
  std::lock_guard<std::mutex> lock(released_mu_);
  released_[seq] = err;
  if (released_.size() > kMaxReleaseRecords) released_.erase(released_.begin());
  any_released_.store(true, std::memory_order_release);
}

SessionRef& SessionRef::operator=(SessionRef&& o) noexcept {
  if (this != &o) {
    if (s_) s_->in_flight_.fetch_sub(1, std::memory_order_acq_rel);
    s_ = std::move(o.s_);
  }
  return *this;
}

SessionRef::~SessionRef() {
  if (s_) s_->in_flight_.fetch_sub(1, std::memory_order_acq_rel);
}

SessionTable::SessionTable(std::chrono::milliseconds lease) : lease_(lease) {}

SessionTable::~SessionTable() { StopReaper(); }

void SessionTable::StopReaper() {
  {
    std::lock_guard<std::mutex> lock(reaper_mu_);
    stopping_ = true;
  }
  reaper_cv_.notify_all();
  if (reaper_.joinable()) reaper_.join();
}

int64_t SessionTable::NowNs() const {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

uint64_t SessionTable::NewId() {
  static std::mutex mu;
  static std::mt19937_64 rng{(static_cast<uint64_t>(std::random_device{}()) << 32) ^ std::random_device{}()};
  std::lock_guard<std::mutex> lock(mu);
  uint64_t id = 0;
  while (id == 0) id = rng();
  return id;
}

storage::Result<uint64_t> SessionTable::Create(const std::string& volume_name, storage::Volume* volume) {
  for (int attempt = 0; attempt < 8; ++attempt) {
    uint64_t id = NewId();
    {
      std::shared_lock<std::shared_mutex> lock(mu_);
      if (sessions_.count(id)) continue;
    }
    storage::Status st = volume->AddSession(id);
    if (!st.ok()) return st;
    auto s = std::make_shared<Session>(id, volume_name, volume, false);
    s->expires_ns_.store(NowNs() + std::chrono::nanoseconds(lease_).count());
    std::unique_lock<std::shared_mutex> lock(mu_);
    if (sessions_.emplace(id, std::move(s)).second) return id;
  }
  return storage::Status(EAGAIN, "no free session id");
}

bool SessionTable::Resume(uint64_t id, const std::string& volume_name) {
  SessionRef s = Acquire(id);
  return s && s->volume_name() == volume_name;
}

void SessionTable::Restore(const std::string& volume_name, storage::Volume* volume,
                           const std::vector<uint64_t>& ids) {
  std::unique_lock<std::shared_mutex> lock(mu_);
  for (uint64_t id : ids) {
    auto s = std::make_shared<Session>(id, volume_name, volume, true);
    s->expires_ns_.store(NowNs() + std::chrono::nanoseconds(lease_).count());
    sessions_.emplace(id, std::move(s));
  }
}

SessionRef SessionTable::Acquire(uint64_t id) {
  std::shared_lock<std::shared_mutex> lock(mu_);
  auto it = sessions_.find(id);
  if (it == sessions_.end()) return {};
  Session& s = *it->second;
  int64_t now = NowNs();
  if (s.expires_ns_.load(std::memory_order_relaxed) < now) return {};
  // Counted under the shared lock: the reaper (exclusive lock) sees it.
  s.in_flight_.fetch_add(1, std::memory_order_acq_rel);
  s.expires_ns_.store(now + std::chrono::nanoseconds(lease_).count(), std::memory_order_relaxed);
  return SessionRef(it->second);
}

bool SessionTable::Alive(uint64_t id) {
  std::shared_lock<std::shared_mutex> lock(mu_);
  auto it = sessions_.find(id);
  return it != sessions_.end() && it->second->expires_ns_.load(std::memory_order_relaxed) >= NowNs();
}

storage::Status SessionTable::Close(uint64_t id) {
  std::shared_ptr<Session> s;
  {
    std::unique_lock<std::shared_mutex> lock(mu_);
    auto it = sessions_.find(id);
    if (it == sessions_.end()) return storage::Status::Ok();
    s = std::move(it->second);
    sessions_.erase(it);
  }
  if (end_hook_) end_hook_(id);
  return s->volume()->DropSession(id);
}

size_t SessionTable::ReapExpired() {
  std::vector<std::shared_ptr<Session>> expired;
  {
    std::unique_lock<std::shared_mutex> lock(mu_);
    int64_t now = NowNs();
    for (auto it = sessions_.begin(); it != sessions_.end();) {
      Session& s = *it->second;
      if (s.expires_ns_.load() < now && s.in_flight_.load() == 0) {
        expired.push_back(std::move(it->second));
        it = sessions_.erase(it);
      } else {
        ++it;
      }
    }
  }
  for (auto& s : expired) {
    if (end_hook_) end_hook_(s->id());
    storage::Status st = s->volume()->DropSession(s->id());
    if (st.ok()) {
      spdlog::info("event=session-expired session={:x} volume={}", s->id(), s->volume_name());
    } else {
      spdlog::error("event=session-drop-failed session={:x} volume={} errno={} msg=\"{}\"", s->id(),
                    s->volume_name(), st.err(), st.message());
    }
  }
  return expired.size();
}

void SessionTable::StartReaper() {
  auto period = std::max(std::chrono::milliseconds(20), std::min(lease_ / 4, std::chrono::milliseconds(1000)));
  reaper_ = std::thread([this, period] {
    std::unique_lock<std::mutex> lock(reaper_mu_);
    while (!reaper_cv_.wait_for(lock, period, [this] { return stopping_; })) {
      lock.unlock();
      ReapExpired();
      lock.lock();
    }
  });
}

size_t SessionTable::size() {
  std::shared_lock<std::shared_mutex> lock(mu_);
  return sessions_.size();
}

}  // namespace rpuffs::server
