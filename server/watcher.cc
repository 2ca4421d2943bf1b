#include "server/watcher.h"

#include "server/change_feed.h"
#include "server/log.h"

namespace rpuffs::server {

Watcher::Watcher(ChangeFeed* feed, const storage::Volume* volume, uint64_t session)
    : feed_(feed), volume_(volume), session_(session) {
  feed_->CountLive(+1);
  sending_.set_started(true);
}

Watcher::~Watcher() { feed_->CountLive(-1); }

void Watcher::Start() { StartWrite(&sending_); }

void Watcher::Refuse(const grpc::Status& st) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    writing_ = false;
    ending_ = finished_ = true;
  }
  Finish(st);
}

bool Watcher::QueueLocked(const ChangeNote& note) {
  if (pending_.overflow()) return false;
  if (note.ino == 0 && note.parent == 0) return true;  // e.g. an inode nobody looked up
  const int n = pending_.changes_size();
  if (n > 0) {
    const v1::Change& last = pending_.changes(n - 1);
    if (last.ino() == note.ino && last.parent() == note.parent && last.name() == note.name) return true;
  }
  if (n >= kMaxQueued) {
    // Clear() keeps the Change objects for reuse, so a watcher that falls
    // behind does not allocate again when it catches up.
    pending_.Clear();
    pending_.set_overflow(true);
    return false;
  }
  v1::Change* c = pending_.add_changes();
  c->set_ino(note.ino);
  c->set_parent(note.parent);
  c->set_name(note.name.data(), note.name.size());
  return true;
}

bool Watcher::Push(std::initializer_list<ChangeNote> changes) {
  std::lock_guard<std::mutex> lock(mu_);
  if (ending_) return false;
  for (const ChangeNote& note : changes) {
    if (!QueueLocked(note)) break;
  }
  if (writing_) return false;  // OnWriteDone sends what was queued
  ++pins_;
  return true;
}

void Watcher::Pin() {
  std::lock_guard<std::mutex> lock(mu_);
  ++pins_;
}

void Watcher::Unpin() {
  bool done = false;
  int pins = 0;
  {
    std::lock_guard<std::mutex> lock(mu_);
    pins = --pins_;
    done = done_;
  }
  DeleteIfUnused(done, pins);
}

void Watcher::Pump() {
  bool finish = false;
  grpc::Status status;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (writing_ || finished_) return;
    if (ending_) {
      finish = finished_ = true;
      status = end_status_;
    } else if (pending_.changes_size() == 0 && !pending_.overflow()) {
      return;
    } else {
      // The swap hands the queued notices to the writer; what comes back is
      // the event written last, cleared for reuse.
      writing_ = true;
      sending_.Swap(&pending_);
      pending_.Clear();
    }
  }
  if (finish) {
    Finish(status);
  } else {
    StartWrite(&sending_);
  }
}

void Watcher::End(const grpc::Status& st) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!ending_) {
      ending_ = true;
      end_status_ = st;
    }
  }
  Pump();
}

void Watcher::OnWriteDone(bool ok) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    writing_ = false;
    // A failed write means the stream is gone (client cancelled or left).
    if (!ok && !ending_) {
      ending_ = true;
      end_status_ = grpc::Status(grpc::StatusCode::CANCELLED, "watch stream broken");
    }
  }
  Pump();
}

void Watcher::OnCancel() { End(grpc::Status(grpc::StatusCode::CANCELLED, "watch cancelled")); }

void Watcher::OnDone() {
  spdlog::debug("event=watch-close session={:x}", session_);
  // Once out of the feed no publisher can find (and pin) this watcher again.
  feed_->Remove(this);
  bool done = true;
  int pins = 0;
  {
    std::lock_guard<std::mutex> lock(mu_);
    done_ = true;
    pins = pins_;
  }
  DeleteIfUnused(done, pins);
}

void Watcher::DeleteIfUnused(bool done, int pins) {
  if (done && pins == 0) delete this;
}

}  // namespace rpuffs::server
