// RemoteFs: what the watch's updates do (remote_fs.h says why). Loop thread
// only: the updates come through the CompletionQueue, in the server's order.
// Kernel invalidations go through the framework's Notifier thread, never
// from this thread (STACK-NOTES pitfall 2).
#include <spdlog/spdlog.h>

#include <unordered_set>

#include "client/rpuffs/remote_fs.h"

namespace rpuffs::client {
namespace {

constexpr auto kEchoDelay = std::chrono::milliseconds(50);
constexpr size_t kMaxEchoes = 65536;

}  // namespace

void RemoteFs::StartWatch(std::function<puffs::Notifier*()> notifier) {
  if (!settings_.watch) return;
  notifier_ = std::move(notifier);
  CompletionQueue* queue = queue_.get();
  volume_->StartWatch([this, queue](remote::WatchUpdate update) {
    // gRPC thread: only hand off. The volume (destroyed first) drains these.
    queue->Push([this, u = std::move(update)]() mutable { OnWatch(std::move(u)); });
  });
}

void RemoteFs::OnWatch(remote::WatchUpdate update) {
  using Kind = remote::WatchUpdate::Kind;
  ++notices_;
  puffs::Notifier* notifier = notifier_ ? notifier_() : nullptr;
  switch (update.kind) {
    case Kind::kChanges: {
      // A directory whose names changed is named too; its listing is kept
      // (and corrected name by name) unless nothing says which names.
      std::unordered_set<uint64_t> named_parents;
      for (const v1::Change& c : update.changes) {
        if (c.parent() != 0) named_parents.insert(c.parent());
      }
      for (const v1::Change& c : update.changes) {
        ApplyChange(c, notifier, named_parents.count(c.ino()) == 0);
      }
      return;
    }
    case Kind::kStarted:
    case Kind::kStopped:
      watching_ = update.kind == Kind::kStarted;
      spdlog::debug("event=watch watching={}", watching_);
      break;
    case Kind::kOverflow:
      seen_.clear();  // changes to file data were missed too
      break;
  }
  TakeBackAll();
  dirs_.Clear();
  dirs_.set_watching(watching_);
}

void RemoteFs::ApplyChange(const v1::Change& c, puffs::Notifier* notifier, bool drop_listing) {
  if (c.ino() != 0) {
    Ino ino = ToKernel(c.ino());
    if (notifier) notifier->InvalidateInode(ino);
    for (auto& hook : notice_hooks_) hook(ino);
    grants_.DropInode(ino);
    seen_.erase(c.ino());
    if (drop_listing) dirs_.Drop(c.ino());
  }
  if (c.parent() != 0 && !c.name().empty()) {
    Ino parent = ToKernel(c.parent());
    if (notifier) notifier->InvalidateEntry(parent, c.name());
    EchoEntry(parent, c.name());
    grants_.DropEntry(parent, c.name());
    // Present or not, it is no longer known: "present" makes lookups ask.
    dirs_.Added(c.parent(), c.name());
  }
}

void RemoteFs::EchoEntry(Ino parent, const std::string& name) {
  if (echoes_.size() >= kMaxEchoes) return;  // a flood: the first ones are enough of a guard
  echoes_.emplace_back(parent, name);
  if (echo_timer_ != 0) return;
  echo_timer_ = loop_.AddTimer(puffs::EventLoop::Clock::now() + kEchoDelay, [this] {
    echo_timer_ = 0;
    puffs::Notifier* notifier = notifier_ ? notifier_() : nullptr;
    for (const auto& [p, n] : echoes_) {
      if (notifier) notifier->InvalidateEntry(p, n);
    }
    echoes_.clear();
  });
}

void RemoteFs::TakeBackAll() {
  for (auto& hook : notice_hooks_) hook(0);
  KernelGrants::All all = grants_.TakeAll();
  puffs::Notifier* notifier = notifier_ ? notifier_() : nullptr;
  if (notifier == nullptr) return;
  for (Ino ino : all.inodes) notifier->InvalidateInode(ino);
  for (const auto& [parent, name] : all.entries) notifier->InvalidateEntry(parent, name);
  if (!all.inodes.empty() || !all.entries.empty()) {
    spdlog::debug("event=watch_take_back inodes={} entries={}", all.inodes.size(),
                  all.entries.size());
  }
}

}  // namespace rpuffs::client
