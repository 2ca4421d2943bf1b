// server/volume_service — the rpuffs.v1.Volume gRPC service. It only adapts:
// resolve the session, validate the request (server/validate.h), call one
// storage function, fill the reply (server/convert.h). Its handlers are split
// by concern across service_session.cc, service_metadata.cc,
// service_files.cc and service_dirs.cc.
//
// Threading: gRPC's callback API. Handlers run the storage call inline on the
// gRPC thread, except Fsync, synced Release, Write with sync and a Batch that
// may sync or is large (over 64 ops or 1 MiB of data: service_batch.cc),
// which run on the WorkerPool, finishing the reactor from there.
//
// Durable commits: a synced RocksDB write makes every earlier write durable.
// A handle that saw a Write is closed with a synced commit (Release), unless
// a durable commit of the session (Fsync, Write with sync, Batch with sync)
// came after its last write: those forget the session's written handles.
// The store, session table, pool and change feed are not owned and must
// outlive the gRPC server.
//
// Change notices (service_watch.cc, server/change_feed.h): every mutating
// handler publishes what it changed to the other sessions' watchers on the
// same volume once storage has returned success, before it answers. Watch
// streams are not counted by Drain(); ChangeFeed::Close() ends them.
//
// Errors: filesystem errors travel in the reply's `err`; gRPC status is
// UNAUTHENTICATED for a bad token or an unknown/expired session,
// INVALID_ARGUMENT for a missing header or an over-1-MiB read/write (a
// Batch over its limits answers err EINVAL instead: service_batch.cc), and
// INTERNAL if a handler threw (logged).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <string>

#include <grpcpp/grpcpp.h>

#include "proto/rpuffs.grpc.pb.h"
#include "server/change_feed.h"
#include "server/session_table.h"
#include "server/worker_pool.h"
#include "storage/store.h"

namespace rpuffs::server {

struct ServiceConfig {
  std::string token;          // empty: no token required
  uint32_t lease_ms = 60000;  // reported in HelloReply
  uint32_t block_size = 0;    // storage block size, reported in limits
};

class VolumeService final : public v1::Volume::CallbackService {
 public:
  VolumeService(storage::Store* store, SessionTable* sessions, WorkerPool* pool, ChangeFeed* feed,
                ServiceConfig config);

  // Shutdown, phase one: from now on new requests get UNAVAILABLE; waits
  // until the requests already admitted have finished, or until `deadline`.
  // Returns true if none is left. (gRPC's own Shutdown also waits for idle
  // clients to hang up, so rpuffsd drains here and then shuts gRPC down at
  // once.) Thread-safe.
  bool Drain(std::chrono::steady_clock::time_point deadline);

  // ---- session (service_session.cc)
  grpc::ServerUnaryReactor* Hello(grpc::CallbackServerContext* ctx, const v1::HelloRequest* req,
      v1::HelloReply* rep) override;
  grpc::ServerUnaryReactor* KeepAlive(grpc::CallbackServerContext* ctx, const v1::KeepAliveRequest* req,
      v1::ErrReply* rep) override;
  grpc::ServerUnaryReactor* Goodbye(grpc::CallbackServerContext* ctx, const v1::GoodbyeRequest* req,
      v1::ErrReply* rep) override;
  // ---- metadata (service_metadata.cc)
  grpc::ServerUnaryReactor* Lookup(grpc::CallbackServerContext* ctx, const v1::LookupRequest* req,
      v1::EntryReply* rep) override;
  grpc::ServerUnaryReactor* GetAttr(grpc::CallbackServerContext* ctx, const v1::GetAttrRequest* req,
      v1::AttrReply* rep) override;
  grpc::ServerUnaryReactor* SetAttr(grpc::CallbackServerContext* ctx, const v1::SetAttrRequest* req,
      v1::AttrReply* rep) override;
  grpc::ServerUnaryReactor* Create(grpc::CallbackServerContext* ctx, const v1::CreateRequest* req,
      v1::CreateReply* rep) override;
  grpc::ServerUnaryReactor* Mknod(grpc::CallbackServerContext* ctx, const v1::MknodRequest* req,
      v1::EntryReply* rep) override;
  grpc::ServerUnaryReactor* Mkdir(grpc::CallbackServerContext* ctx, const v1::MkdirRequest* req,
      v1::EntryReply* rep) override;
  grpc::ServerUnaryReactor* Unlink(grpc::CallbackServerContext* ctx, const v1::UnlinkRequest* req,
      v1::ErrReply* rep) override;
  grpc::ServerUnaryReactor* Rmdir(grpc::CallbackServerContext* ctx, const v1::RmdirRequest* req,
      v1::ErrReply* rep) override;
  grpc::ServerUnaryReactor* Symlink(grpc::CallbackServerContext* ctx, const v1::SymlinkRequest* req,
      v1::EntryReply* rep) override;
  grpc::ServerUnaryReactor* Readlink(grpc::CallbackServerContext* ctx, const v1::ReadlinkRequest* req,
      v1::ReadlinkReply* rep) override;
  grpc::ServerUnaryReactor* Link(grpc::CallbackServerContext* ctx, const v1::LinkRequest* req,
      v1::EntryReply* rep) override;
  grpc::ServerUnaryReactor* Rename(grpc::CallbackServerContext* ctx, const v1::RenameRequest* req,
      v1::ErrReply* rep) override;
  // ---- files (service_files.cc)
  grpc::ServerUnaryReactor* Open(grpc::CallbackServerContext* ctx, const v1::OpenRequest* req,
      v1::OpenReply* rep) override;
  grpc::ServerUnaryReactor* Release(grpc::CallbackServerContext* ctx, const v1::ReleaseRequest* req,
      v1::ErrReply* rep) override;
  grpc::ServerUnaryReactor* Read(grpc::CallbackServerContext* ctx, const v1::ReadRequest* req,
      v1::ReadReply* rep) override;
  grpc::ServerUnaryReactor* Write(grpc::CallbackServerContext* ctx, const v1::WriteRequest* req,
      v1::WriteReply* rep) override;
  grpc::ServerUnaryReactor* Fsync(grpc::CallbackServerContext* ctx, const v1::FsyncRequest* req,
      v1::ErrReply* rep) override;
  grpc::ServerUnaryReactor* Fallocate(grpc::CallbackServerContext* ctx, const v1::FallocateRequest* req,
      v1::AttrReply* rep) override;
  grpc::ServerUnaryReactor* Statfs(grpc::CallbackServerContext* ctx, const v1::StatfsRequest* req,
      v1::StatfsReply* rep) override;
  // ---- directories, xattrs, forget (service_dirs.cc)
  grpc::ServerUnaryReactor* Readdir(grpc::CallbackServerContext* ctx, const v1::ReaddirRequest* req,
      v1::ReaddirReply* rep) override;
  grpc::ServerUnaryReactor* SetXattr(grpc::CallbackServerContext* ctx, const v1::SetXattrRequest* req,
      v1::ErrReply* rep) override;
  grpc::ServerUnaryReactor* GetXattr(grpc::CallbackServerContext* ctx, const v1::GetXattrRequest* req,
      v1::GetXattrReply* rep) override;
  grpc::ServerUnaryReactor* ListXattr(grpc::CallbackServerContext* ctx, const v1::ListXattrRequest* req,
      v1::ListXattrReply* rep) override;
  grpc::ServerUnaryReactor* RemoveXattr(grpc::CallbackServerContext* ctx, const v1::RemoveXattrRequest* req,
      v1::ErrReply* rep) override;
  grpc::ServerUnaryReactor* Forget(grpc::CallbackServerContext* ctx, const v1::ForgetRequest* req,
      v1::ErrReply* rep) override;
  // ---- several held-back ops of one session (service_batch.cc)
  grpc::ServerUnaryReactor* Batch(grpc::CallbackServerContext* ctx, const v1::BatchRequest* req,
      v1::BatchReply* rep) override;
  // ---- change notices (service_watch.cc)
  grpc::ServerWriteReactor<v1::WatchEvent>* Watch(grpc::CallbackServerContext* ctx,
      const v1::WatchRequest* req) override;

 private:
  // What a request after Hello runs with.
  struct Call {
    Call() = default;
    Call(const Call&) = delete;
    Call& operator=(const Call&) = delete;
    ~Call() {
      if (counted_by) counted_by->in_flight_.fetch_sub(1);
    }
    SessionRef session;  // keeps the session from being reaped meanwhile
    storage::Volume* volume = nullptr;
    storage::OpId op;
    storage::Caller caller;
    VolumeService* counted_by = nullptr;  // in_flight_ counts this call until it dies
  };

  // Hello: opens or resumes a session on volume_name; 0 or the reply errno
  // (EPROTONOSUPPORT, ENOENT, ESTALE, or a storage error).
  int AttachSession(const v1::HelloRequest& req, const std::string& volume_name, uint64_t* session);
  // Counts *call as in flight (until it is destroyed); false while draining.
  bool Admit(Call* call);
  // Admits, then resolves hdr (nullptr when absent) into *call, renewing the
  // session's lease.
  grpc::Status Begin(const v1::RequestHeader* hdr, Call* call);
  // Runs fn(Call&) -> grpc::Status on this gRPC thread and finishes the call.
  template <class Req, class Fn>
  grpc::ServerUnaryReactor* Inline(grpc::CallbackServerContext* ctx, const Req* req, Fn&& fn);
  // Resolves the session here; if defer(Call&) says so, runs fn on the worker
  // pool and finishes there, else runs it inline.
  template <class Req, class Defer, class Fn>
  grpc::ServerUnaryReactor* Deferred(grpc::CallbackServerContext* ctx, const Req* req, Defer defer, Fn fn);
  // Hands `changes` to the watchers of the other sessions on call's volume.
  void Publish(const Call& call, std::initializer_list<ChangeNote> changes) {
    feed_->Publish(call.volume, call.op.session, changes);
  }
  // A new entry: the directory and its name changed.
  void PublishNewEntry(const Call& call, uint64_t parent, const std::string& name) {
    Publish(call, {InodeNote(parent), EntryNote(parent, name)});
  }
  // A removed entry: the directory, its name, and the inode it named (0 if
  // unknown) changed.
  void PublishRemovedEntry(const Call& call, uint64_t parent, const std::string& name, uint64_t victim) {
    Publish(call, {InodeNote(parent), EntryNote(parent, name), InodeNote(victim)});
  }
  // The inode `name` in `parent` names now, or 0; looked up only when some
  // session watches (for notices about an inode about to be unlinked or
  // replaced: a racing change makes it a harmless extra notice).
  uint64_t InodeIfWatched(const Call& call, uint64_t parent, const std::string& name);
  // One op applied as its standalone handler applies it, as call.op and
  // call.caller: validation, the storage call, change notices, written-handle
  // bookkeeping, the reply. Shared by the handlers and Batch.
  grpc::Status ApplyWrite(Call& call, const v1::WriteRequest& req, v1::WriteReply* rep);  // ignores req.sync
  grpc::Status ApplySetAttr(Call& call, const v1::SetAttrRequest& req, v1::AttrReply* rep);
  grpc::Status ApplyRelease(Call& call, const v1::ReleaseRequest& req, bool sync, v1::ErrReply* rep);
  // Fills rep->parent (the directory just after) on success.
  grpc::Status ApplyUnlink(Call& call, const v1::UnlinkRequest& req, v1::ErrReply* rep);
  // The durable commit of Fsync (storage Fsync of `ino`, which must exist):
  // forgets the session's written handles first, hands them back if it fails.
  storage::Status CommitDurably(const Call& call, uint64_t ino);
  // Batch: the limits, each op in order, then the sync (service_batch.cc).
  grpc::Status RunBatch(Call& call, const v1::BatchRequest& req, v1::BatchReply* rep);
  void RunBatchOp(Call& call, const v1::BatchOp& op, bool batch_syncs, v1::BatchResult* out);
  // fn(call), with an escaping exception logged and answered INTERNAL.
  template <class Fn>
  static grpc::Status Guarded(const std::string& op, Fn& fn, Call& call);

  storage::Store* const store_;
  SessionTable* const sessions_;
  WorkerPool* const pool_;
  ChangeFeed* const feed_;
  const ServiceConfig config_;
  std::atomic<bool> draining_{false};
  std::atomic<int> in_flight_{0};
};

}  // namespace rpuffs::server
