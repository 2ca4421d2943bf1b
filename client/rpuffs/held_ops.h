// client/rpuffs — HeldOps: what the mount holds back, with write-behind on,
// instead of sending at once, and the attributes the held ops will give.
//
// Held, in the order they were made: small writes, setattrs without a size
// of a regular file this mount has open for writing (chown, chmod, utimes:
// the kernel already checked the caller's right to make them), unlinks of
// files in a directory whose attributes the mount keeps (RemoteFs decides),
// and releases. RemoteFs sends them as one Batch call (proto BatchRequest) —
// when a handle is flushed or fsynced (that batch carries the durable
// commit), before any other call (so it sees them applied), before a write
// too large to hold, when the bounds below are reached, and after a short
// delay. Releases alone change nothing another call could observe: they
// never force a send.
//
// Shadow attributes: for each file open for writing on this mount, its
// attributes as the server will have them once everything held or in
// flight is applied (size and times from writes, mode/owner/times from
// setattrs, following storage's rules: setattr.cc, write.cc). A held setattr
// is answered from them. They are a prediction (times come from this
// machine's clock), so RemoteFs hands them to the kernel with attribute
// timeout 0: the next stat asks the server, after the held ops.
//
// Pure bookkeeping, loop thread only; no I/O.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <unordered_map>
#include <vector>

#include "proto/rpuffs.pb.h"

namespace rpuffs::client {

namespace v1 = ::rpuffs::v1;

class HeldOps {
 public:
  static constexpr size_t kMaxHeldWrite = 128 << 10;  // a larger write goes at once
  // A batch's serialized size (ops with their headers, which carry the
  // caller's groups) stays under rpuffsd's message limit (1 MiB + 64 KiB,
  // server/daemon.cc), with room for the outer message.
  static constexpr size_t kMaxBatchBytes = 1 << 20;
  static constexpr size_t kMaxOps = 512;               // below the server's 1024
  static constexpr size_t kReleaseBatch = 64;          // releases alone: sent at this many

  // Who makes a held change (for the predicted suid/sgid rules).
  struct Maker {
    uint32_t uid = 0;
    uint32_t gid = 0;
    std::vector<gid_t> groups;
  };

  // Handle `fh` of `ino`, open for writing, was opened (attributes from the
  // reply, or nullptr if it had none) / released.
  void OpenedForWrite(uint64_t ino, const v1::Attr* attr, uint64_t fh);
  void ClosedForWrite(uint64_t ino, uint64_t fh);
  // A handle of `ino` open for writing (the one to blame for a held
  // setattr's failure), or 0.
  uint64_t WriterFh(uint64_t ino) const;
  // The server answered with `attr` (a call sent after everything held
  // landed): the shadow follows, unless a held op on the inode is newer.
  void Refresh(const v1::Attr& attr);
  // The shadow of `ino`, or nullptr when it has none.
  const v1::Attr* Shadow(uint64_t ino) const;

  // A write of `len` bytes at `off` (or at the end) of `ino` was made, held
  // or sent: the shadow grows and loses suid/sgid as storage's write does.
  void NoteWrite(uint64_t ino, uint64_t off, uint64_t len, bool append, bool by_root);

  // A write (stamped: its size counts) may be held: small, and room left.
  bool CanHoldWrite(const v1::WriteRequest& req) const;
  void HoldWrite(v1::WriteRequest req);
  // A setattr of `ino` may be held: tracked, no size change, room left.
  bool CanHoldSetAttr(uint64_t ino, const v1::SetAttrRequest& req) const;
  // Holds it (owner: handle `fh`, whose close reports its failure) and
  // returns the predicted attributes.
  v1::Attr HoldSetAttr(v1::SetAttrRequest req, const Maker& who, uint64_t fh);
  void HoldRelease(v1::ReleaseRequest req);
  void HoldUnlink(v1::UnlinkRequest req);
  // Room for one more op of `op_bytes` serialized bytes.
  bool Fits(size_t op_bytes) const {
    return ops_.size() < kMaxOps && bytes_ + op_bytes + kPerOpBytes <= kMaxBatchBytes;
  }

  // Something held changes what another call may observe (not just releases).
  bool HasChanges() const { return changes_ > 0; }
  bool empty() const { return ops_.empty(); }
  bool ReleasesFull() const { return ops_.size() >= kReleaseBatch; }

  // Everything held, in order, and per op the handle to blame for its failure.
  v1::BatchRequest Take(std::vector<uint64_t>* owners);

 private:
  struct Tracked {
    v1::Attr attr;
    std::vector<uint64_t> writers;  // handles open for writing
    uint64_t held = 0;  // held ops on the inode not yet taken
  };
  static constexpr size_t kPerOpBytes = 16;  // the op's own framing, generously
  void Hold(uint64_t ino, v1::BatchOp op, uint64_t owner, bool change);

  std::unordered_map<uint64_t, Tracked> tracked_;
  std::vector<v1::BatchOp> ops_;
  std::vector<uint64_t> owners_;
  std::vector<uint64_t> op_inos_;
  size_t bytes_ = 0;  // serialized size of ops_
  size_t changes_ = 0;
};

}  // namespace rpuffs::client
