#include "client/puffs/fuse_request.h"

#include <cerrno>

#include <boost/context/detail/exception.hpp>
#include <spdlog/spdlog.h>

#include "client/puffs/fuse_channel.h"

namespace rpuffs::puffs {

FuseRequest::FuseRequest(fuse_req_t req)
    : req_(req), channel_(static_cast<FuseChannel*>(fuse_req_userdata(req))) {
  const fuse_ctx* ctx = fuse_req_ctx(req);
  caller_.uid = ctx->uid;
  caller_.gid = ctx->gid;
  caller_.pid = ctx->pid;
  caller_.umask = ctx->umask;
  unique_ = channel_->CurrentUnique();
  kill_suidgid_ = channel_->CurrentKillSuidgid();
}

FuseRequest::~FuseRequest() {
  // Never leave the kernel waiting: an op that threw, or a continuation
  // unwound at shutdown, still gets its one reply.
  if (!replied_) fuse_reply_err(req_, EIO);
}

const Ops& FuseRequest::ops() const { return channel_->ops(); }

OpenFile FuseRequest::OpenFileOf(const fuse_file_info* fi) const {
  OpenFile of = ToOpenFile(fi);
  of.kill_suidgid = kill_suidgid_;
  of.writeback_cache = channel_->writeback_cache();
  return of;
}

const std::vector<gid_t>& FuseRequest::groups() {
  if (groups_loaded_ || replied_) return groups_;
  groups_loaded_ = true;
  groups_.resize(64);
  int n = fuse_req_getgroups(req_, static_cast<int>(groups_.size()), groups_.data());
  if (n > static_cast<int>(groups_.size())) {
    groups_.resize(n);
    n = fuse_req_getgroups(req_, n, groups_.data());
  }
  groups_.resize(n > 0 ? std::min<size_t>(n, groups_.size()) : 0);
  return groups_;
}

bool FuseRequest::interrupted() const {
  return interrupted_ || (!replied_ && fuse_req_interrupted(req_));
}

void FuseRequest::OnInterrupt(std::function<void()> fn) {
  on_interrupt_ = std::move(fn);
  if (!replied_) fuse_req_interrupt_func(req_, &FuseRequest::InterruptTrampoline, this);
}

void FuseRequest::InterruptTrampoline(fuse_req_t, void* self) {
  auto* r = static_cast<FuseRequest*>(self);
  r->interrupted_ = true;
  if (r->on_interrupt_) r->on_interrupt_();
}

void FuseRequest::MarkReplied(int send_result) {
  replied_ = true;
  if (send_result != 0 && send_result != -ENOENT) {
    spdlog::debug("fuse: reply failed req={} errno={}", unique_, -send_result);
  }
}

void FuseRequest::ReplyErr(int err) { MarkReplied(fuse_reply_err(req_, err)); }

void FuseRequest::ReplyEntry(int err, const Entry& e) {
  if (err != 0) return ReplyErr(err);
  fuse_entry_param p = ToEntryParam(e);
  int rc = fuse_reply_entry(req_, &p);
  MarkReplied(rc);
  if (rc == 0 && e.ino != 0) channel_->CountLookup(e.ino);
}

void FuseRequest::ReplyCreate(int err, const Entry& e, const OpenFile& of, fuse_file_info* fi) {
  if (err != 0) return ReplyErr(err);
  fuse_entry_param p = ToEntryParam(e);
  FillFileInfo(of, fi);
  int rc = fuse_reply_create(req_, &p, fi);
  MarkReplied(rc);
  if (rc == 0) channel_->CountLookup(e.ino);
}

void FuseRequest::ReplyAttr(int err, const AttrOut& a) {
  if (err != 0) return ReplyErr(err);
  MarkReplied(fuse_reply_attr(req_, &a.attr, a.timeout));
}

void FuseRequest::ReplyOpen(int err, const OpenFile& of, fuse_file_info* fi) {
  if (err != 0) return ReplyErr(err);
  FillFileInfo(of, fi);
  MarkReplied(fuse_reply_open(req_, fi));
}

void FuseRequest::ReplyBuf(int err, const char* data, size_t size) {
  if (err != 0) return ReplyErr(err);
  MarkReplied(fuse_reply_buf(req_, data, size));
}

void FuseRequest::ReplyWrite(int err, size_t written) {
  if (err != 0) return ReplyErr(err);
  MarkReplied(fuse_reply_write(req_, written));
}

void FuseRequest::ReplyReadlink(int err, const std::string& target) {
  if (err != 0) return ReplyErr(err);
  MarkReplied(fuse_reply_readlink(req_, target.c_str()));
}

void FuseRequest::ReplyStatfs(int err, const struct statvfs& st) {
  if (err != 0) return ReplyErr(err);
  MarkReplied(fuse_reply_statfs(req_, &st));
}

void FuseRequest::ReplyXattrSize(size_t size) { MarkReplied(fuse_reply_xattr(req_, size)); }

void FuseRequest::ReplyNone() {
  replied_ = true;
  fuse_reply_none(req_);
}

OpenFile ToOpenFile(const fuse_file_info* fi) {
  OpenFile of;
  if (fi == nullptr) return of;
  of.flags = fi->flags;
  of.fh = fi->fh;
  of.direct_io = fi->direct_io;
  of.keep_cache = fi->keep_cache;
  of.nonseekable = fi->nonseekable;
  of.cache_readdir = fi->cache_readdir;
  of.noflush = fi->noflush;
  of.lock_owner = fi->lock_owner;
  return of;
}

void FillFileInfo(const OpenFile& of, fuse_file_info* fi) {
  fi->fh = of.fh;
  fi->direct_io = of.direct_io;
  fi->keep_cache = of.keep_cache;
  fi->nonseekable = of.nonseekable;
  fi->cache_readdir = of.cache_readdir;
  fi->noflush = of.noflush;
}

fuse_entry_param ToEntryParam(const Entry& e) {
  fuse_entry_param p{};
  p.ino = e.ino;
  p.generation = e.generation;
  p.attr = e.attr;
  p.attr_timeout = e.attr_timeout;
  p.entry_timeout = e.entry_timeout;
  return p;
}

void Dispatch(fuse_req_t req, const char* op, const std::function<void(FuseRequest&)>& fn) {
  FuseRequest r(req);
  FuseChannel& ch = r.channel();
  if (ch.pre_op()) ch.pre_op()(r);
  try {
    fn(r);
  } catch (const boost::context::detail::forced_unwind&) {
    throw;  // the continuation is being destroyed: the destructor replies
  } catch (const std::exception& e) {
    spdlog::error("fuse: op={} req={} threw what=\"{}\"", op, r.unique(), e.what());
    if (!r.replied()) r.ReplyErr(EIO);
  } catch (...) {
    spdlog::error("fuse: op={} req={} threw a non-standard exception", op, r.unique());
    if (!r.replied()) r.ReplyErr(EIO);
  }
  if (ch.post_op()) ch.post_op()(r);
}

void DispatchOnHandle(fuse_req_t req, const char* op, const fuse_file_info* fi,
                      const std::function<int(FuseRequest&, OpenFile&)>& fn) {
  Dispatch(req, op, [&](FuseRequest& r) {
    OpenFile of = r.OpenFileOf(fi);
    r.ReplyErr(fn(r, of));
  });
}

}  // namespace rpuffs::puffs
