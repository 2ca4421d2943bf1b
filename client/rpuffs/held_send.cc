// RemoteFs: holding ops back and sending them as one Batch (held_ops.h).
#include <spdlog/spdlog.h>

#include <chrono>
#include <future>
#include <unordered_map>

#include "client/remote/errors.h"
#include "client/remote/rpcs.h"
#include "client/rpuffs/remote_fs.h"

namespace rpuffs::client {
namespace {

// How long a held op may wait for a flush or another call to take it.
constexpr auto kHeldDelay = std::chrono::milliseconds(20);

const char* OpName(const v1::BatchOp& op) {
  switch (op.op_case()) {
    case v1::BatchOp::kWrite: return "write";
    case v1::BatchOp::kSetattr: return "setattr";
    case v1::BatchOp::kRelease: return "release";
    case v1::BatchOp::kUnlink: return "unlink";
    default: return "none";
  }
}

uint64_t OpIno(const v1::BatchOp& op) {
  switch (op.op_case()) {
    case v1::BatchOp::kWrite: return op.write().ino();
    case v1::BatchOp::kSetattr: return op.setattr().ino();
    case v1::BatchOp::kRelease: return op.release().ino();
    case v1::BatchOp::kUnlink: return op.unlink().parent();
    default: return 0;
  }
}

}  // namespace

int RemoteFs::WriteBehindWrite(puffs::Request& r, v1::WriteRequest req) {
  if (int err = write_behind_->TakeError(req.fh()); err != 0) return err;
  held_.NoteWrite(req.ino(), req.offset(), req.data().size(), req.append(), r.caller().uid == 0);
  StampCredentials(r, req.mutable_hdr());
  if (!held_.CanHoldWrite(req) && !held_.empty()) {
    // Bounds reached, or a large write: what is held goes first.
    SendHeldAsync();
  }
  if (!held_.CanHoldWrite(req)) return StartWrite(std::move(req));
  held_.HoldWrite(std::move(req));
  ArmHeldTimer();
  return 0;
}

bool RemoteFs::HoldSetAttr(puffs::Request& r, v1::SetAttrRequest& req, uint64_t owner_fh,
                           puffs::AttrOut* out, int* err) {
  // Without the kernel's checks only the server can refuse the caller: ask it.
  if (!write_behind_ || !(settings_.kernel_checks_permissions || r.caller().uid == 0)) return false;
  StampCredentials(r, req.mutable_hdr());
  if (!held_.CanHoldSetAttr(req.ino(), req)) return false;
  HeldOps::Maker who{r.caller().uid, r.caller().gid, {}};
  if (r.caller().uid != 0) who.groups = r.groups();
  v1::Attr predicted = held_.HoldSetAttr(std::move(req), who, owner_fh);
  // Not the server's word on everything: no cache may learn from it what
  // the prediction does not know (whether the file has xattrs).
  predicted.set_xattrs(v1::XATTRS_UNKNOWN);
  ArmHeldTimer();
  *err = FillAttr("SetAttr", predicted, out);
  out->timeout = 0;  // a prediction: the next stat asks the server
  return true;
}

void RemoteFs::HoldRelease(v1::ReleaseRequest req) {
  if (!held_.Fits(req.ByteSizeLong())) SendHeldAsync();
  held_.HoldRelease(std::move(req));
  if (held_.ReleasesFull()) {
    SendHeldAsync();
  } else {
    ArmHeldTimer();
  }
}

bool RemoteFs::HoldUnlink(puffs::Request& r, Ino parent, const std::string& name) {
  uint64_t dir = ToServer(parent);
  // entry_timeout=0 asks that other mounts see each name change at once;
  // otherwise a held unlink shows within kHeldDelay + a round trip.
  // Without the kernel's checks only the server can refuse the caller: ask it.
  bool checked = settings_.kernel_checks_permissions || r.caller().uid == 0;
  if (!write_behind_ || !checked || settings_.entry_timeout <= 0 || !watching_ ||
      dir_attrs_.Find(dir) == nullptr) {
    return false;
  }
  v1::UnlinkRequest req;
  req.set_parent(dir);
  req.set_name(name);
  StampCredentials(r, req.mutable_hdr());
  if (!held_.Fits(req.ByteSizeLong())) SendHeldAsync();
  // Sending may have let a notice in: check again.
  if (!watching_ || !held_.Fits(req.ByteSizeLong()) || !dir_attrs_.Touch(dir)) return false;
  held_.HoldUnlink(std::move(req));
  dirs_.Removed(dir, name);
  ArmHeldTimer();
  return true;
}

void RemoteFs::UnlinkFailed(const v1::UnlinkRequest& req, int err) {
  if (err != ENOENT) spdlog::warn("event=held_op_failed op=unlink dir={} name={} err={}", req.parent(), req.name(), err);
  dirs_.Drop(req.parent());
  dir_attrs_.Drop(req.parent());
  puffs::Notifier* notifier = notifier_ ? notifier_() : nullptr;
  if (notifier) {
    notifier->InvalidateInode(ToKernel(req.parent()));
    notifier->InvalidateEntry(ToKernel(req.parent()), req.name());
  }
}

int RemoteFs::SendHeld(puffs::Request& r, bool sync) {
  write_behind_->WaitIdle();
  if (held_.empty() && !sync) return 0;
  struct Slot {
    puffs::Continuation* waiter = nullptr;
    bool done = false;
    bool interrupted = false;
    int err = 0;
  };
  auto slot = std::make_shared<Slot>();
  slot->waiter = puffs::Continuation::Current();
  StartHeldBatch(sync, [slot](int err) {
    slot->err = err;
    slot->done = true;
    if (slot->waiter) puffs::Continuation::Continue(slot->waiter);
  });
  // An interrupt ends the wait, not the batch: its ops were already
  // answered as done, so they still go.
  r.OnInterrupt([slot] {
    slot->interrupted = true;
    if (slot->waiter) puffs::Continuation::Schedule(slot->waiter);
  });
  struct Unwind {
    std::shared_ptr<Slot> slot;
    ~Unwind() { slot->waiter = nullptr; }
  } unwind{slot};
  while (!slot->done && !slot->interrupted) puffs::Continuation::Yield();
  r.OnInterrupt(nullptr);
  return slot->done ? slot->err : EINTR;
}

void RemoteFs::SendHeldAtExit(std::chrono::milliseconds limit) {
  if (!write_behind_) return;
  // A batch (or write) already on its way goes first: wait for it, as the
  // loop no longer runs to tell us.
  if (!volume_->WaitCallsDone(limit)) spdlog::warn("event=calls_in_flight_at_exit");
  if (held_.empty()) return;
  std::vector<uint64_t> owners;
  v1::BatchRequest req = held_.Take(&owners);
  spdlog::debug("event=batch ops={} sync=false at_exit=true", req.ops_size());
  auto result = std::make_shared<std::promise<int>>();
  std::future<int> done = result->get_future();
  volume_->Call(remote::kBatch, std::move(req),
                remote::Done<v1::BatchReply>([result](int err, v1::BatchReply& rep) {
                  result->set_value(err != 0 ? err : remote::ErrnoFromReply(rep.err()));
                }));
  if (done.wait_for(limit) != std::future_status::ready) {
    spdlog::warn("event=held_ops_lost_at_exit reason=timeout");
  } else if (int err = done.get(); err != 0) {
    spdlog::warn("event=held_ops_lost_at_exit err={}", err);
  }
}

void RemoteFs::SendHeldAsync() {
  write_behind_->WaitIdle();
  if (!held_.empty()) StartHeldBatch(false, nullptr);
}

void RemoteFs::ArmHeldTimer() {
  if (held_timer_ != 0) return;
  held_timer_ = loop_.AddTimer(puffs::EventLoop::Clock::now() + kHeldDelay, [this] {
    held_timer_ = 0;
    if (held_.empty()) return;
    // Not in a continuation: cannot wait; try again once the flight lands.
    if (!write_behind_->idle()) return ArmHeldTimer();
    StartHeldBatch(false, nullptr);
  });
}

void RemoteFs::StartHeldBatch(bool sync, std::function<void(int)> done) {
  // Releases alone need no order: nothing waits behind them.
  bool ordered = held_.HasChanges() || sync;
  auto owners = std::make_shared<std::vector<uint64_t>>();
  v1::BatchRequest req = held_.Take(owners.get());
  req.set_sync(sync);
  // What the batch carries, kept for its completion (errors, attributes).
  auto sent = std::make_shared<v1::BatchRequest>();
  for (const auto& op : req.ops()) {
    v1::BatchOp* copy = sent->add_ops();
    if (op.has_write()) {
      // Not the data: only what the completion reads.
      copy->mutable_write()->set_ino(op.write().ino());
      copy->mutable_write()->set_fh(op.write().fh());
    } else {
      *copy = op;
    }
  }
  uint64_t dir_epoch = dir_attrs_.Epoch();
  // Tests count these lines (-d) to see what went in one round trip.
  spdlog::debug("event=batch ops={} sync={}", req.ops_size(), sync);
  uint64_t barrier = ordered ? write_behind_->BeginBarrier() : 0;
  CompletionQueue* queue = queue_.get();
  // Not cancelled by an interrupt: the application was told each op succeeded.
  volume_->Call(remote::kBatch, std::move(req),
                remote::Done<v1::BatchReply>([this, queue, barrier, owners, sent, done, dir_epoch](int err, v1::BatchReply& rep) {
                  auto reply = std::make_shared<v1::BatchReply>(std::move(rep));
                  queue->Push([this, barrier, owners, sent, done, err, reply, dir_epoch] {
                    if (barrier != 0) write_behind_->End(barrier, 0, 0);
                    OnBatchDone(*owners, *sent, err, *reply, dir_epoch);
                    if (done) done(err != 0 ? err : remote::ErrnoFromReply(reply->err()));
                  });
                }));
}

void RemoteFs::OnBatchDone(const std::vector<uint64_t>& owners, const v1::BatchRequest& sent, int err,
                           const v1::BatchReply& rep, uint64_t dir_epoch) {
  // Only the last write or setattr of a file in the batch tells how it is now.
  std::unordered_map<uint64_t, int> last;
  for (int i = 0; i < sent.ops_size(); ++i) {
    if (sent.ops(i).has_write() || sent.ops(i).has_setattr()) last[OpIno(sent.ops(i))] = i;
  }
  for (int i = 0; i < sent.ops_size(); ++i) {
    const v1::BatchOp& op = sent.ops(i);
    uint64_t owner = i < static_cast<int>(owners.size()) ? owners[i] : 0;
    int op_err = err;
    if (op_err == 0) {
      op_err = i < rep.results_size() ? remote::ErrnoFromReply(rep.results(i).err()) : EIO;
    }
    if (op_err != 0 && op.op_case() == v1::BatchOp::kUnlink) {
      UnlinkFailed(op.unlink(), op_err);
      continue;
    }
    if (op_err != 0) {
      if (op.op_case() != v1::BatchOp::kRelease) {
        spdlog::warn("event=held_op_failed op={} ino={} err={}", OpName(op), OpIno(op), op_err);
      } else {
        spdlog::debug("event=held_op_failed op=release ino={} err={}", OpIno(op), op_err);
      }
      // Sticky until the handle's next write, fsync or close takes it; a
      // handle already closed (a release, or an op whose close came first)
      // has no one left to tell, and its entry would never be taken.
      if (op.op_case() != v1::BatchOp::kRelease && dirty_.count(owner) != 0) write_behind_->Fail(owner, op_err);
      continue;
    }
    const v1::Attr& attr = rep.results(i).attr();
    // The directory after a held unlink: kept if nothing dropped it meanwhile.
    if (attr.ino() != 0 && op.op_case() == v1::BatchOp::kUnlink && watching_) dir_attrs_.Store(attr, dir_epoch);
    // (Not Seen(): a setattr's reply says nothing of this mount's page cache.)
    auto it = last.find(OpIno(op));
    if (attr.ino() != 0 && it != last.end() && it->second == i && write_behind_->idle()) {
      held_.Refresh(attr);
    }
  }
}

}  // namespace rpuffs::client
