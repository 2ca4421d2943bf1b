// client/puffs — Request (request.h) for one libfuse low-level request, and
// the conversions every dispatch function shares.
//
// A FuseRequest lives on the stack of the dispatch function that libfuse
// called, inside the request's continuation. It sends exactly one reply:
// the dispatch function calls one Reply*() method, and if none was called
// by the time it is destroyed (an exception, or the continuation unwound at
// shutdown) the destructor answers EIO. Internal to client/puffs.
#pragma once

#include <fuse_lowlevel.h>

#include <functional>
#include <string>
#include <vector>

#include "client/puffs/ops.h"
#include "client/puffs/request.h"

namespace rpuffs::puffs {

class FuseChannel;

class FuseRequest final : public Request {
 public:
  explicit FuseRequest(fuse_req_t req);
  ~FuseRequest() override;
  FuseRequest(const FuseRequest&) = delete;
  FuseRequest& operator=(const FuseRequest&) = delete;

  const std::vector<gid_t>& groups() override;
  bool interrupted() const override;
  void OnInterrupt(std::function<void()> fn) override;

  FuseChannel& channel() { return *channel_; }
  const Ops& ops() const;
  bool replied() const { return replied_; }
  // The request asked to clear suid/sgid (KILLPRIV_V2 flags on the wire).
  bool kill_suidgid() const { return kill_suidgid_; }
  // ToOpenFile plus what the channel knows: kill_suidgid, writeback_cache.
  OpenFile OpenFileOf(const fuse_file_info* fi) const;

  // Each sends the reply (errno != 0 -> fuse_reply_err) and marks it sent.
  void ReplyErr(int err);
  void ReplyEntry(int err, const Entry& e);
  void ReplyCreate(int err, const Entry& e, const OpenFile& of, fuse_file_info* fi);
  void ReplyAttr(int err, const AttrOut& a);
  void ReplyOpen(int err, const OpenFile& of, fuse_file_info* fi);
  void ReplyBuf(int err, const char* data, size_t size);
  void ReplyWrite(int err, size_t written);
  void ReplyReadlink(int err, const std::string& target);
  void ReplyStatfs(int err, const struct statvfs& st);
  void ReplyXattrSize(size_t size);
  void ReplyNone();

 private:
  static void InterruptTrampoline(fuse_req_t req, void* self);
  void MarkReplied(int send_result);

  fuse_req_t req_;
  FuseChannel* channel_;
  bool replied_ = false;
  bool kill_suidgid_ = false;
  bool interrupted_ = false;
  bool groups_loaded_ = false;
  std::vector<gid_t> groups_;
  std::function<void()> on_interrupt_;
};

// fuse_file_info <-> OpenFile.
OpenFile ToOpenFile(const fuse_file_info* fi);
void FillFileInfo(const OpenFile& of, fuse_file_info* fi);
fuse_entry_param ToEntryParam(const Entry& e);

// Runs `fn(request)` for one libfuse callback: builds the FuseRequest, runs
// the pre/post hooks, turns an exception into a log line and EIO (Boost's
// forced unwind passes through untouched).
void Dispatch(fuse_req_t req, const char* op, const std::function<void(FuseRequest&)>& fn);
// Dispatch for ops on an open handle whose whole answer is an errno
// (flush, release, fsync, releasedir, fsyncdir, fallocate).
void DispatchOnHandle(fuse_req_t req, const char* op, const fuse_file_info* fi,
                      const std::function<int(FuseRequest&, OpenFile&)>& fn);

}  // namespace rpuffs::puffs
