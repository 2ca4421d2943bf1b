// client/remote — what the call machinery needs to know about each request
// type, decided at compile time:
// - HasHdr: it carries a RequestHeader (everything but Hello);
// - HasFh: it names an open handle, which callers give as a local handle id
//   (session.h) and the call rewrites to the current server handle;
// - IsMutation: it needs a sequence number (idempotency key);
// - AfterReply: the handle table follows Open, Create and Release;
// - a Batch carries several mutations (SeqCount sequence numbers) and
//   handles inside its ops (InnerHandles).
// Pure functions; the SessionState they touch is thread-safe.
#pragma once

#include <fcntl.h>

#include <cerrno>
#include <type_traits>
#include <utility>
#include <vector>

#include "client/remote/session.h"
#include "proto/rpuffs.pb.h"

namespace rpuffs::remote {

namespace v1 = ::rpuffs::v1;

template <class T, class = void>
struct HasHdr : std::false_type {};
template <class T>
struct HasHdr<T, std::void_t<decltype(std::declval<T&>().mutable_hdr())>> : std::true_type {};

template <class T, class = void>
struct HasFh : std::false_type {};
template <class T>
struct HasFh<T, std::void_t<decltype(std::declval<T&>().set_fh(0))>> : std::true_type {};

inline bool IsMutation(const google::protobuf::Message&) { return false; }
inline bool IsMutation(const v1::SetAttrRequest&) { return true; }
inline bool IsMutation(const v1::CreateRequest&) { return true; }
inline bool IsMutation(const v1::MknodRequest&) { return true; }
inline bool IsMutation(const v1::MkdirRequest&) { return true; }
inline bool IsMutation(const v1::UnlinkRequest&) { return true; }
inline bool IsMutation(const v1::RmdirRequest&) { return true; }
inline bool IsMutation(const v1::SymlinkRequest&) { return true; }
inline bool IsMutation(const v1::LinkRequest&) { return true; }
inline bool IsMutation(const v1::RenameRequest&) { return true; }
inline bool IsMutation(const v1::ReleaseRequest&) { return true; }
inline bool IsMutation(const v1::WriteRequest&) { return true; }
inline bool IsMutation(const v1::FallocateRequest&) { return true; }
inline bool IsMutation(const v1::SetXattrRequest&) { return true; }
inline bool IsMutation(const v1::RemoveXattrRequest&) { return true; }
inline bool IsMutation(const v1::OpenRequest& r) { return (r.flags() & O_TRUNC) != 0; }
// Every op a batch may carry is a mutation; op i uses seq + i.
inline bool IsMutation(const v1::BatchRequest& r) { return r.ops_size() > 0; }

inline uint64_t SeqCount(const google::protobuf::Message&) { return 1; }
inline uint64_t SeqCount(const v1::BatchRequest& r) { return r.ops_size() > 0 ? r.ops_size() : 1; }

// The handle an op of a batch names (a local id until stamped), or 0.
inline uint64_t OpFh(const v1::BatchOp& op) {
  switch (op.op_case()) {
    case v1::BatchOp::kWrite: return op.write().fh();
    case v1::BatchOp::kSetattr: return op.setattr().fh();
    case v1::BatchOp::kRelease: return op.release().fh();
    default: return 0;
  }
}
inline void SetOpFh(v1::BatchOp* op, uint64_t fh) {
  switch (op->op_case()) {
    case v1::BatchOp::kWrite: return op->mutable_write()->set_fh(fh);
    case v1::BatchOp::kSetattr: return op->mutable_setattr()->set_fh(fh);
    case v1::BatchOp::kRelease: return op->mutable_release()->set_fh(fh);
    default: return;
  }
}

// The local handle ids inside a request's ops, kept from construction so
// every attempt maps them to the current session's server handles.
struct InnerHandles {
  std::vector<uint64_t> locals;  // one per op (0: none)
};
inline void CaptureInner(const google::protobuf::Message&, InnerHandles*) {}
inline void CaptureInner(const v1::BatchRequest& r, InnerHandles* h) {
  for (const auto& op : r.ops()) h->locals.push_back(OpFh(op));
}
inline void MapInner(const SessionState&, const InnerHandles&, google::protobuf::Message*) {}
// A handle without a server handle (lost in a session change) becomes 0:
// the op then fails on its own (or, for a release, is a no-op).
inline void MapInner(const SessionState& s, const InnerHandles& h, v1::BatchRequest* r) {
  for (int i = 0; i < r->ops_size() && i < static_cast<int>(h.locals.size()); ++i) {
    if (h.locals[i] == 0) continue;
    SetOpFh(r->mutable_ops(i), s.ServerFh(h.locals[i]).value_or(0));
  }
}

// The flags a new session re-opens a handle with: same access mode and
// O_APPEND, never anything that changes the file.
inline uint32_t ReopenFlags(uint32_t flags) { return flags & ~(O_CREAT | O_EXCL | O_TRUNC); }

// The errno a call gets when its local handle has no server handle: EBADF if
// it never existed, EIO if a new session could not re-open it.
inline int MissingHandleErrno(const SessionState& s, uint64_t local) {
  for (const auto& h : s.Handles()) {
    if (h.local == local) return EIO;
  }
  return EBADF;
}

template <class Req, class Rep>
void AfterReply(SessionState&, const Req&, Rep&, int, uint64_t) {}

inline void AfterReply(SessionState& s, const v1::OpenRequest& req, v1::OpenReply& rep, int err,
                       uint64_t) {
  if (err == 0) rep.set_fh(s.AddHandle(req.ino(), ReopenFlags(req.flags()), rep.fh()));
}

inline void AfterReply(SessionState& s, const v1::CreateRequest& req, v1::CreateReply& rep, int err,
                       uint64_t) {
  if (err == 0) rep.set_fh(s.AddHandle(rep.attr().ino(), ReopenFlags(req.flags()), rep.fh()));
}

// The handle is gone whatever the server said: the kernel will not use it again.
inline void AfterReply(SessionState& s, const v1::ReleaseRequest&, v1::ErrReply&, int,
                       uint64_t local) {
  s.RemoveHandle(local);
}

// Released handles of a batch: gone too, whatever happened.
inline void AfterInner(SessionState&, const google::protobuf::Message&, const InnerHandles&) {}
inline void AfterInner(SessionState& s, const v1::BatchRequest& r, const InnerHandles& h) {
  for (int i = 0; i < r.ops_size() && i < static_cast<int>(h.locals.size()); ++i) {
    if (r.ops(i).op_case() == v1::BatchOp::kRelease && h.locals[i] != 0) s.RemoveHandle(h.locals[i]);
  }
}

}  // namespace rpuffs::remote
