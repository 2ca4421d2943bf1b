#include "client/rpuffs/held_ops.h"

#include <sys/stat.h>

#include <algorithm>
#include <ctime>

namespace rpuffs::client {
namespace {

void SetNow(v1::Timespec* t) {
  timespec now{};
  clock_gettime(CLOCK_REALTIME, &now);
  t->set_sec(now.tv_sec);
  t->set_nsec(static_cast<uint32_t>(now.tv_nsec));
}

// storage/access.cc's rule: S_ISUID always, S_ISGID only with group exec.
uint32_t KillSuidBits(uint32_t mode) {
  uint32_t out = mode & ~static_cast<uint32_t>(S_ISUID);
  if (mode & S_IXGRP) out &= ~static_cast<uint32_t>(S_ISGID);
  return out;
}

bool InGroup(const HeldOps::Maker& who, uint32_t gid) {
  if (who.gid == gid) return true;
  return std::find(who.groups.begin(), who.groups.end(), static_cast<gid_t>(gid)) != who.groups.end();
}

// storage/ops/setattr.cc's ApplyOwnerAndMode and ApplyTimes, on the shadow.
void ApplySetAttr(const v1::SetAttrRequest& req, const HeldOps::Maker& who, v1::Attr* a) {
  uint32_t valid = req.valid();
  if (valid & v1::SET_MODE) {
    a->set_mode((a->mode() & S_IFMT) | (req.mode() & 07777));
    if (who.uid != 0 && !InGroup(who, a->gid())) a->set_mode(a->mode() & ~static_cast<uint32_t>(S_ISGID));
  }
  if (valid & (v1::SET_UID | v1::SET_GID)) {
    if (valid & v1::SET_UID) a->set_uid(req.uid());
    if (valid & v1::SET_GID) a->set_gid(req.gid());
    if (!S_ISDIR(a->mode()) && !(valid & v1::SET_MODE)) a->set_mode(KillSuidBits(a->mode()));
  }
  if (valid & v1::SET_KILL_SUIDGID) a->set_mode(KillSuidBits(a->mode()));
  if (valid & v1::SET_ATIME_NOW) SetNow(a->mutable_atime());
  else if (valid & v1::SET_ATIME) *a->mutable_atime() = req.atime();
  if (valid & v1::SET_MTIME_NOW) SetNow(a->mutable_mtime());
  else if (valid & v1::SET_MTIME) *a->mutable_mtime() = req.mtime();
  SetNow(a->mutable_ctime());
}

}  // namespace

void HeldOps::OpenedForWrite(uint64_t ino, const v1::Attr* attr, uint64_t fh) {
  Tracked& t = tracked_[ino];
  t.writers.push_back(fh);
  // A second handle keeps what the first one's held ops predicted.
  if (attr != nullptr && attr->ino() == ino && t.held == 0 && t.writers.size() == 1) t.attr = *attr;
}

void HeldOps::ClosedForWrite(uint64_t ino, uint64_t fh) {
  auto it = tracked_.find(ino);
  if (it == tracked_.end()) return;
  auto& w = it->second.writers;
  w.erase(std::remove(w.begin(), w.end(), fh), w.end());
  if (w.empty()) tracked_.erase(it);
}

uint64_t HeldOps::WriterFh(uint64_t ino) const {
  auto it = tracked_.find(ino);
  return it == tracked_.end() || it->second.writers.empty() ? 0 : it->second.writers.back();
}

void HeldOps::Refresh(const v1::Attr& attr) {
  auto it = tracked_.find(attr.ino());
  if (it != tracked_.end() && it->second.held == 0) it->second.attr = attr;
}

const v1::Attr* HeldOps::Shadow(uint64_t ino) const {
  auto it = tracked_.find(ino);
  return it == tracked_.end() || it->second.attr.ino() != ino ? nullptr : &it->second.attr;
}

void HeldOps::NoteWrite(uint64_t ino, uint64_t off, uint64_t len, bool append, bool by_root) {
  auto it = tracked_.find(ino);
  if (it == tracked_.end() || it->second.attr.ino() != ino) return;
  v1::Attr& a = it->second.attr;
  uint64_t end = append ? a.size() + len : off + len;
  a.set_size(std::max<uint64_t>(a.size(), end));
  a.set_blocks(std::max<uint64_t>(a.blocks(), (a.size() + 511) / 512));
  SetNow(a.mutable_mtime());
  *a.mutable_ctime() = a.mtime();
  if (!by_root) a.set_mode(KillSuidBits(a.mode()));
}

bool HeldOps::CanHoldWrite(const v1::WriteRequest& req) const {
  return req.data().size() <= kMaxHeldWrite && Fits(req.ByteSizeLong());
}

void HeldOps::HoldWrite(v1::WriteRequest req) {
  uint64_t ino = req.ino();
  uint64_t fh = req.fh();
  v1::BatchOp op;
  *op.mutable_write() = std::move(req);
  Hold(ino, std::move(op), fh, true);
}

bool HeldOps::CanHoldSetAttr(uint64_t ino, const v1::SetAttrRequest& req) const {
  if ((req.valid() & v1::SET_SIZE) || !Fits(req.ByteSizeLong())) return false;
  const v1::Attr* a = Shadow(ino);
  return a != nullptr && S_ISREG(a->mode());
}

v1::Attr HeldOps::HoldSetAttr(v1::SetAttrRequest req, const Maker& who, uint64_t fh) {
  Tracked& t = tracked_[req.ino()];
  ApplySetAttr(req, who, &t.attr);
  uint64_t ino = req.ino();
  v1::BatchOp op;
  *op.mutable_setattr() = std::move(req);
  Hold(ino, std::move(op), fh, true);
  return t.attr;
}

void HeldOps::HoldRelease(v1::ReleaseRequest req) {
  uint64_t ino = req.ino();
  v1::BatchOp op;
  *op.mutable_release() = std::move(req);
  Hold(ino, std::move(op), 0, false);
}

void HeldOps::HoldUnlink(v1::UnlinkRequest req) {
  v1::BatchOp op;
  *op.mutable_unlink() = std::move(req);
  Hold(0, std::move(op), 0, true);
}

void HeldOps::Hold(uint64_t ino, v1::BatchOp op, uint64_t owner, bool change) {
  bytes_ += op.ByteSizeLong() + kPerOpBytes;
  ops_.push_back(std::move(op));
  owners_.push_back(owner);
  op_inos_.push_back(ino);
  if (change) {
    ++changes_;
    auto it = tracked_.find(ino);
    if (it != tracked_.end()) ++it->second.held;
  }
}

v1::BatchRequest HeldOps::Take(std::vector<uint64_t>* owners) {
  v1::BatchRequest req;
  req.mutable_ops()->Reserve(static_cast<int>(ops_.size()));
  for (auto& op : ops_) *req.add_ops() = std::move(op);
  for (uint64_t ino : op_inos_) {
    auto it = tracked_.find(ino);
    if (it != tracked_.end()) it->second.held = 0;
  }
  owners->swap(owners_);
  ops_.clear();
  owners_.clear();
  op_inos_.clear();
  bytes_ = 0;
  changes_ = 0;
  return req;
}

}  // namespace rpuffs::client
