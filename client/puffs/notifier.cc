#include "client/puffs/notifier.h"

#include <cerrno>

#include <spdlog/spdlog.h>

namespace rpuffs::puffs {

Notifier::Notifier(fuse_session* se) : se_(se), thread_([this] { Main(); }) {}

Notifier::~Notifier() { Stop(); }

void Notifier::InvalidateInode(Ino ino, int64_t offset, int64_t length) {
  Push(Item{Kind::kInode, ino, 0, offset, length, {}, {}});
}

void Notifier::InvalidateEntry(Ino parent, const std::string& name) {
  Push(Item{Kind::kEntry, parent, 0, 0, 0, name, {}});
}

void Notifier::Delete(Ino parent, Ino child, const std::string& name) {
  Push(Item{Kind::kDelete, parent, child, 0, 0, name, {}});
}

void Notifier::Store(Ino ino, int64_t offset, std::string bytes) {
  auto length = static_cast<int64_t>(bytes.size());
  if (length == 0) return;
  Push(Item{Kind::kStore, ino, 0, offset, length, std::move(bytes), {}});
}

bool Notifier::WhenStoresSent(Ino ino, std::function<void()> done) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!stop_ && pending_stores_.count(ino) != 0) {
      // The queue is sent in order: once this is reached, the stores before it are in.
      queue_.push_back(Item{Kind::kBarrier, ino, 0, 0, 0, {}, std::move(done)});
      cv_.notify_one();
      return false;
    }
  }
  done();
  return true;
}

size_t Notifier::PendingStores(Ino ino) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = pending_stores_.find(ino);
  return it == pending_stores_.end() ? 0 : it->second;
}

void Notifier::Push(Item item) {
  std::lock_guard<std::mutex> lock(mu_);
  if (stop_) return;
  if (item.kind == Kind::kStore) ++pending_stores_[item.parent_or_ino];
  queue_.push_back(std::move(item));
  cv_.notify_one();
}

void Notifier::StoreDone(Ino ino) {
  auto it = pending_stores_.find(ino);
  if (it != pending_stores_.end() && --it->second == 0) pending_stores_.erase(it);
}

void Notifier::Flush() {
  std::unique_lock<std::mutex> lock(mu_);
  idle_cv_.wait(lock, [this] { return (queue_.empty() && !busy_) || !thread_.joinable(); });
}

void Notifier::Stop() {
  RequestStop();
  if (thread_.joinable()) thread_.join();
  idle_cv_.notify_all();
}

bool Notifier::StopWithin(std::chrono::milliseconds limit) {
  RequestStop();
  {
    std::unique_lock<std::mutex> lock(mu_);
    if (!idle_cv_.wait_for(lock, limit, [this] { return finished_; })) return false;
  }
  Stop();
  return true;
}

void Notifier::RequestStop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
    // Stores are best effort, and one could wait for a page a READ holds
    // locked that the stopped loop will never answer: drop them.
    for (auto it = queue_.begin(); it != queue_.end();) {
      if (it->kind != Kind::kStore) {
        ++it;
        continue;
      }
      StoreDone(it->parent_or_ino);
      it = queue_.erase(it);
    }
    cv_.notify_one();
  }
}

bool Notifier::sending() const {
  std::lock_guard<std::mutex> lock(mu_);
  return busy_;
}

uint64_t Notifier::sent() const {
  std::lock_guard<std::mutex> lock(mu_);
  return sent_;
}

uint64_t Notifier::failed() const {
  std::lock_guard<std::mutex> lock(mu_);
  return failed_;
}

uint64_t Notifier::stored_bytes() const {
  std::lock_guard<std::mutex> lock(mu_);
  return stored_bytes_;
}

void Notifier::Main() {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    cv_.wait(lock, [this] { return stop_ || !queue_.empty(); });
    if (queue_.empty()) break;  // stop_ and drained
    Item item = std::move(queue_.front());
    queue_.pop_front();
    busy_ = true;
    lock.unlock();
    int rc = item.kind == Kind::kBarrier ? 0 : Send(item);
    if (item.kind == Kind::kBarrier) item.done();
    lock.lock();
    busy_ = false;
    if (item.kind == Kind::kStore) {
      StoreDone(item.parent_or_ino);
      if (rc == 0) stored_bytes_ += static_cast<uint64_t>(item.length);
    }
    if (item.kind == Kind::kBarrier) {
      // nothing sent
    } else if (rc == 0 || rc == -ENOENT) {
      ++sent_;
    } else {
      ++failed_;
      // A store races with the kernel forgetting the inode or its pages: expected now and then.
      if (item.kind == Kind::kStore) {
        spdlog::debug("notifier: store ino={} errno={}", item.parent_or_ino, -rc);
      } else {
        spdlog::warn("notifier: ino={} errno={}", item.parent_or_ino, -rc);
      }
    }
    if (queue_.empty()) idle_cv_.notify_all();
  }
  finished_ = true;  // under mu_ (the loop above ends holding it)
  idle_cv_.notify_all();
}

int Notifier::Send(const Item& item) {
  switch (item.kind) {
    case Kind::kInode:
      return fuse_lowlevel_notify_inval_inode(se_, item.parent_or_ino, item.offset, item.length);
    case Kind::kEntry:
      return fuse_lowlevel_notify_inval_entry(se_, item.parent_or_ino, item.name.data(),
                                              item.name.size());
    case Kind::kDelete:
      return fuse_lowlevel_notify_delete(se_, item.parent_or_ino, item.child, item.name.data(),
                                         item.name.size());
    case Kind::kStore: {
      fuse_bufvec buf = FUSE_BUFVEC_INIT(item.name.size());
      buf.buf[0].mem = const_cast<char*>(item.name.data());
      return fuse_lowlevel_notify_store(se_, item.parent_or_ino, item.offset, &buf,
                                        static_cast<fuse_buf_copy_flags>(0));
    }
    case Kind::kBarrier:
      return 0;
  }
  return -EINVAL;
}

}  // namespace rpuffs::puffs
