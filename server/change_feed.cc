#include "server/change_feed.h"

#include <algorithm>

namespace rpuffs::server {

bool ChangeFeed::Add(Watcher* w) {
  Watcher* replaced = nullptr;
  {
    std::unique_lock<std::shared_mutex> lock(mu_);
    if (closed_) return false;
    auto it = by_session_.find(w->session());
    if (it != by_session_.end()) {
      replaced = it->second;
      replaced->Pin();
      EraseLocked(replaced);
    }
    by_session_.emplace(w->session(), w);
    by_volume_[w->volume()].push_back(w);
    registered_.fetch_add(1, std::memory_order_release);
  }
  if (replaced != nullptr) {
    replaced->End(grpc::Status(grpc::StatusCode::ALREADY_EXISTS, "a newer watch of this session replaced it"));
    replaced->Unpin();
  }
  return true;
}

void ChangeFeed::EraseLocked(Watcher* w) {
  by_session_.erase(w->session());
  auto vit = by_volume_.find(w->volume());
  std::vector<Watcher*>& list = vit->second;
  list.erase(std::find(list.begin(), list.end(), w));
  if (list.empty()) by_volume_.erase(vit);
  registered_.fetch_sub(1, std::memory_order_release);
}

void ChangeFeed::Remove(Watcher* w) {
  std::unique_lock<std::shared_mutex> lock(mu_);
  auto it = by_session_.find(w->session());
  if (it != by_session_.end() && it->second == w) EraseLocked(w);
}

void ChangeFeed::Publish(const storage::Volume* volume, uint64_t from_session,
                         std::initializer_list<ChangeNote> changes) {
  if (!Watched()) return;
  // Watchers to wake once the lock is dropped; reused, so it stops
  // allocating after the first few calls on each gRPC thread.
  thread_local std::vector<Watcher*> wake;
  wake.clear();
  {
    std::shared_lock<std::shared_mutex> lock(mu_);
    auto it = by_volume_.find(volume);
    if (it == by_volume_.end()) return;
    for (Watcher* w : it->second) {
      if (w->session() != from_session && w->Push(changes)) wake.push_back(w);
    }
  }
  for (Watcher* w : wake) {
    w->Pump();
    w->Unpin();
  }
}

void ChangeFeed::EndSession(uint64_t session) {
  Watcher* w = nullptr;
  {
    std::unique_lock<std::shared_mutex> lock(mu_);
    auto it = by_session_.find(session);
    if (it == by_session_.end()) return;
    w = it->second;
    w->Pin();
    EraseLocked(w);
  }
  w->End(grpc::Status::OK);
  w->Unpin();
}

void ChangeFeed::Close() {
  std::vector<Watcher*> all;
  {
    std::unique_lock<std::shared_mutex> lock(mu_);
    closed_ = true;
    for (auto& [session, w] : by_session_) {
      w->Pin();
      all.push_back(w);
    }
    by_session_.clear();
    by_volume_.clear();
    registered_.store(0, std::memory_order_release);
  }
  for (Watcher* w : all) {
    w->End(grpc::Status::OK);
    w->Unpin();
  }
}

bool ChangeFeed::WaitIdle(std::chrono::steady_clock::time_point deadline) {
  std::unique_lock<std::mutex> lock(live_mu_);
  return live_cv_.wait_until(lock, deadline, [this] { return live_ == 0; });
}

void ChangeFeed::CountLive(int delta) {
  std::lock_guard<std::mutex> lock(live_mu_);
  live_ += delta;
  if (live_ == 0) live_cv_.notify_all();
}

}  // namespace rpuffs::server
