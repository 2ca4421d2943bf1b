#include "client/puffs/notifier.h"

#include <cerrno>

#include <spdlog/spdlog.h>

namespace rpuffs::puffs {

Notifier::Notifier(fuse_session* se) : se_(se), thread_([this] { Main(); }) {}

Notifier::~Notifier() { Stop(); }

void Notifier::InvalidateInode(Ino ino, int64_t offset, int64_t length) {
  Push(Item{Kind::kInode, ino, 0, offset, length, {}});
}

void Notifier::InvalidateEntry(Ino parent, const std::string& name) {
  Push(Item{Kind::kEntry, parent, 0, 0, 0, name});
}

void Notifier::Delete(Ino parent, Ino child, const std::string& name) {
  Push(Item{Kind::kDelete, parent, child, 0, 0, name});
}

void Notifier::Push(Item item) {
  std::lock_guard<std::mutex> lock(mu_);
  if (stop_) return;
  queue_.push_back(std::move(item));
  cv_.notify_one();
}

void Notifier::Flush() {
  std::unique_lock<std::mutex> lock(mu_);
  idle_cv_.wait(lock, [this] { return (queue_.empty() && !busy_) || !thread_.joinable(); });
}

void Notifier::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
    cv_.notify_one();
  }
  if (thread_.joinable()) thread_.join();
  idle_cv_.notify_all();
}

uint64_t Notifier::sent() const {
  std::lock_guard<std::mutex> lock(mu_);
  return sent_;
}

uint64_t Notifier::failed() const {
  std::lock_guard<std::mutex> lock(mu_);
  return failed_;
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
    int rc = Send(item);
    lock.lock();
    busy_ = false;
    if (rc == 0 || rc == -ENOENT) {
      ++sent_;
    } else {
      ++failed_;
      spdlog::warn("notifier: ino={} errno={}", item.parent_or_ino, -rc);
    }
    if (queue_.empty()) idle_cv_.notify_all();
  }
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
  }
  return -EINVAL;
}

}  // namespace rpuffs::puffs
