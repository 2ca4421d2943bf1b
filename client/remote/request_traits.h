// client/remote — what the call machinery needs to know about each request
// type, decided at compile time:
// - HasHdr: it carries a RequestHeader (everything but Hello);
// - HasFh: it names an open handle, which callers give as a local handle id
//   (session.h) and the call rewrites to the current server handle;
// - IsMutation: it needs a sequence number (idempotency key);
// - AfterReply: the handle table follows Open, Create and Release.
// Pure functions; the SessionState they touch is thread-safe.
#pragma once

#include <fcntl.h>

#include <cerrno>
#include <type_traits>
#include <utility>

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

}  // namespace rpuffs::remote
