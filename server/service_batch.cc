// VolumeService::Batch — several held-back ops of one session in one round
// trip (proto BatchRequest): each op applied in order exactly as its
// standalone handler applies it (ApplyWrite, ApplySetAttr, ApplyRelease,
// ApplyUnlink), with its own credentials and idempotency key, then, with
// `sync`, one durable commit covering all of them.
//
// What the client gets:
// - Whole-batch refusals, answered before any op runs (reply err EINVAL, gRPC
//   OK, no results, nothing applied): more than kMaxBatchOps ops; more than
//   kMaxBatchData bytes of write data in all; one write over 1 MiB (the single
//   Write answers that with INVALID_ARGUMENT; a batch refuses all its limits
//   one way); a non-zero seq whose ops' seqs would wrap past 2^64.
// - Per op (results[i]): the op's own errno. EINVAL for an op with no oneof
//   set, and for a write, setattr or unlink without its own hdr (its
//   credentials: never borrowed from the outer hdr, never defaulted to root);
//   a release uses no credentials and needs none. results[i].attr: the
//   inode's attributes after a write or setattr; after an unlink that
//   succeeded, the directory's, read just after it (the standalone reply's
//   ErrReply.parent; a replayed unlink gets the directory as it is now).
//   Op i runs as OpId {session, hdr.seq + i}, or seq 0 when hdr.seq is 0,
//   so a replayed batch applies its ops once and gets their first outcomes
//   back (storage's retry records; for releases the session's, in memory:
//   after a server restart a replayed release answers EBADF).
// - A release inside a batch with sync does not sync itself: the batch's
//   commit follows every op. Without sync, a release of a written handle
//   syncs as the standalone Release does.
// - sync: after the ops, the durable commit of Fsync (a synced write of the
//   volume: everything earlier is durable; it forgets the session's written
//   handles). Its failure is the reply's err, the results stay.
//
// Threading: on the worker pool when it syncs, holds a release (which may
// sync), carries more than 1 MiB of data or more than kInlineOps ops (an
// unlink, a RocksDB write plus a read of the directory, costs about what a
// setattr does: it counts as one op; a client's batch of hundreds of unlinks
// runs on the pool); else inline on the gRPC thread.
// call.op and call.caller are those of the op running.
#include <cerrno>
#include <cstdint>
#include <limits>
#include <type_traits>

#include "server/convert.h"
#include "server/validate.h"
#include "server/volume_service.h"
#include "server/volume_service_impl.h"

namespace rpuffs::server {
namespace {

constexpr int kMaxBatchOps = 1024;
constexpr uint64_t kMaxBatchData = uint64_t{4} << 20;
constexpr int kInlineOps = 64;  // more would hold a gRPC thread for milliseconds

// 0, or EINVAL when the batch breaks one of the limits above.
int CheckBatch(const v1::BatchRequest& req) {
  if (req.ops_size() > kMaxBatchOps) return EINVAL;
  uint64_t data = 0;
  for (const v1::BatchOp& op : req.ops()) {
    if (!op.has_write()) continue;
    if (IsOversizedIo(op.write().data().size())) return EINVAL;
    data += op.write().data().size();
  }
  if (data > kMaxBatchData) return EINVAL;
  const uint64_t seq = req.hdr().seq();
  const uint64_t last_offset = req.ops_size() > 0 ? static_cast<uint64_t>(req.ops_size() - 1) : 0;
  if (seq != 0 && seq > std::numeric_limits<uint64_t>::max() - last_offset) return EINVAL;
  return 0;
}

// Whether the batch may wait for fdatasync or is large: it runs on the pool.
bool RunsOnPool(const v1::BatchRequest& req) {
  if (req.sync() || req.ops_size() > kInlineOps) return true;
  uint64_t data = 0;
  for (const v1::BatchOp& op : req.ops()) {
    if (op.has_release()) return true;
    if (op.has_write()) data += op.write().data().size();
  }
  return data > storage::kMaxIo;
}

// The op's own header (its credentials); nullptr if it has none or no op.
// A release may have none (Volume::Release takes no caller).
const v1::RequestHeader* HeaderOf(const v1::BatchOp& op) {
  switch (op.op_case()) {
    case v1::BatchOp::kWrite:
      return op.write().has_hdr() ? &op.write().hdr() : nullptr;
    case v1::BatchOp::kSetattr:
      return op.setattr().has_hdr() ? &op.setattr().hdr() : nullptr;
    case v1::BatchOp::kRelease:
      return op.release().has_hdr() ? &op.release().hdr() : nullptr;
    case v1::BatchOp::kUnlink:
      return op.unlink().has_hdr() ? &op.unlink().hdr() : nullptr;
    case v1::BatchOp::OP_NOT_SET:
      break;
  }
  return nullptr;
}

// A standalone reply moved into the op's result: an ErrReply's parent (set
// by unlink only) becomes the result's attr. A non-OK status (only an
// oversized write, which CheckBatch refuses first) is the op's EINVAL.
template <class Reply>
void Settle(const grpc::Status& st, Reply* rep, v1::BatchResult* out) {
  out->set_err(st.ok() ? rep->err() : EINVAL);
  if constexpr (std::is_same_v<Reply, v1::ErrReply>) {
    if (rep->has_parent()) out->mutable_attr()->Swap(rep->mutable_parent());
  } else {
    if (rep->has_attr()) out->mutable_attr()->Swap(rep->mutable_attr());
  }
  if constexpr (std::is_same_v<Reply, v1::WriteReply>) out->set_count(rep->count());
}

}  // namespace

grpc::ServerUnaryReactor* VolumeService::Batch(grpc::CallbackServerContext* ctx, const v1::BatchRequest* req,
                                               v1::BatchReply* rep) {
  return Deferred(
      ctx, req, [req](Call&) { return CheckBatch(*req) == 0 && RunsOnPool(*req); },
      [this, req, rep](Call& call) { return RunBatch(call, *req, rep); });
}

grpc::Status VolumeService::RunBatch(Call& call, const v1::BatchRequest& req, v1::BatchReply* rep) {
  if (int err = CheckBatch(req)) return Refuse(err, rep);
  const uint64_t seq = req.hdr().seq();
  rep->mutable_results()->Reserve(req.ops_size());
  for (int i = 0; i < req.ops_size(); ++i) {
    const v1::BatchOp& op = req.ops(i);
    v1::BatchResult* out = rep->add_results();
    const v1::RequestHeader* hdr = HeaderOf(op);
    if (hdr == nullptr && !op.has_release()) {
      out->set_err(EINVAL);
      continue;
    }
    call.op.seq = seq == 0 ? 0 : seq + static_cast<uint64_t>(i);
    call.caller = hdr != nullptr ? ToCaller(*hdr) : storage::Caller{};
    RunBatchOp(call, op, req.sync(), out);
  }
  if (!req.sync()) return grpc::Status::OK;
  // The root always exists: the commit cannot fail on a released or
  // reclaimed inode of the batch.
  return Answer("batch-sync", CommitDurably(call, storage::kRootIno), rep);
}

void VolumeService::RunBatchOp(Call& call, const v1::BatchOp& op, bool batch_syncs, v1::BatchResult* out) {
  if (op.has_write()) {
    v1::WriteReply rep;
    Settle(ApplyWrite(call, op.write(), &rep), &rep, out);
  } else if (op.has_setattr()) {
    v1::AttrReply rep;
    Settle(ApplySetAttr(call, op.setattr(), &rep), &rep, out);
  } else if (op.has_release()) {
    // The batch's own commit follows every op: no sync of the release's own.
    const bool sync = call.session->TakeWritten(op.release().fh()) && !batch_syncs;
    v1::ErrReply rep;
    Settle(ApplyRelease(call, op.release(), sync, &rep), &rep, out);
  } else if (op.has_unlink()) {
    v1::ErrReply rep;
    Settle(ApplyUnlink(call, op.unlink(), &rep), &rep, out);
  }
}

}  // namespace rpuffs::server
