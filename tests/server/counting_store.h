// tests/server — a storage::Store whose volumes count the durable commits
// the server asks for (Fsync, Release with sync), and a VolumeService
// running in this process on such a store (for the tests that must see how
// many fdatasyncs a request sequence costs, or need a larger message limit
// than rpuffsd's).
//
// CountingVolume forwards every call to the real volume; durable_commits()
// counts the Fsync and Release(sync=true) calls that succeeded. Thread-safe
// as the wrapped volume is. InProcessServer owns everything it starts and
// stops it in its destructor.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "server/change_feed.h"
#include "server/session_table.h"
#include "server/volume_service.h"
#include "server/worker_pool.h"
#include "storage/store.h"

namespace rpuffs::testing {

class CountingVolume final : public storage::Volume {
 public:
  explicit CountingVolume(storage::Volume* inner) : in_(inner) {}
  uint64_t durable_commits() const { return durable_commits_.load(); }

  storage::Status AddSession(uint64_t s) override { return in_->AddSession(s); }
  storage::Result<std::vector<uint64_t>> ListSessions() override { return in_->ListSessions(); }
  storage::Status DropSession(uint64_t s) override { return in_->DropSession(s); }
  storage::Status AckBelow(uint64_t s, uint64_t seq) override { return in_->AckBelow(s, seq); }
  storage::Result<storage::Attr> Lookup(const storage::Caller& c, storage::Ino p, std::string_view n) override {
    return in_->Lookup(c, p, n);
  }
  storage::Result<storage::Attr> GetAttr(storage::Ino ino) override { return in_->GetAttr(ino); }
  storage::Result<storage::Attr> SetAttr(const storage::OpId& op, const storage::Caller& c, storage::Ino ino,
                                         const storage::SetAttrIn& in) override {
    return in_->SetAttr(op, c, ino, in);
  }
  storage::Result<storage::CreateOut> Create(const storage::OpId& op, const storage::Caller& c, storage::Ino p,
                                             std::string_view n, uint32_t mode, uint32_t flags) override {
    return in_->Create(op, c, p, n, mode, flags);
  }
  storage::Result<storage::Attr> Mknod(const storage::OpId& op, const storage::Caller& c, storage::Ino p,
                                       std::string_view n, uint32_t mode, uint64_t rdev) override {
    return in_->Mknod(op, c, p, n, mode, rdev);
  }
  storage::Result<storage::Attr> Mkdir(const storage::OpId& op, const storage::Caller& c, storage::Ino p,
                                       std::string_view n, uint32_t mode) override {
    return in_->Mkdir(op, c, p, n, mode);
  }
  storage::Status Unlink(const storage::OpId& op, const storage::Caller& c, storage::Ino p,
                         std::string_view n) override {
    return in_->Unlink(op, c, p, n);
  }
  storage::Status Rmdir(const storage::OpId& op, const storage::Caller& c, storage::Ino p,
                        std::string_view n) override {
    return in_->Rmdir(op, c, p, n);
  }
  storage::Result<storage::Attr> Symlink(const storage::OpId& op, const storage::Caller& c, storage::Ino p,
                                         std::string_view n, std::string_view target) override {
    return in_->Symlink(op, c, p, n, target);
  }
  storage::Result<std::string> Readlink(storage::Ino ino) override { return in_->Readlink(ino); }
  storage::Result<storage::Attr> Link(const storage::OpId& op, const storage::Caller& c, storage::Ino ino,
                                      storage::Ino np, std::string_view nn) override {
    return in_->Link(op, c, ino, np, nn);
  }
  storage::Status Rename(const storage::OpId& op, const storage::Caller& c, storage::Ino p, std::string_view n,
                         storage::Ino np, std::string_view nn, uint32_t flags) override {
    return in_->Rename(op, c, p, n, np, nn, flags);
  }
  storage::Result<storage::OpenOut> Open(const storage::OpId& op, const storage::Caller& c, storage::Ino ino,
                                         uint32_t flags) override {
    return in_->Open(op, c, ino, flags);
  }
  storage::Status Release(uint64_t session, uint64_t fh, bool sync) override {
    return Counted(in_->Release(session, fh, sync), sync);
  }
  storage::Result<std::string> Read(storage::Ino ino, uint64_t offset, uint32_t size) override {
    return in_->Read(ino, offset, size);
  }
  storage::Result<storage::WriteOut> Write(const storage::OpId& op, const storage::Caller& c, storage::Ino ino,
                                           uint64_t offset, std::string_view data, bool append) override {
    return in_->Write(op, c, ino, offset, data, append);
  }
  storage::Status Fsync(storage::Ino ino) override { return Counted(in_->Fsync(ino), true); }
  storage::Result<storage::Attr> Fallocate(const storage::OpId& op, const storage::Caller& c, storage::Ino ino,
                                           uint32_t mode, uint64_t offset, uint64_t length) override {
    return in_->Fallocate(op, c, ino, mode, offset, length);
  }
  storage::Result<storage::StatFs> Statfs() override { return in_->Statfs(); }
  storage::Result<storage::ReaddirOut> Readdir(const storage::Caller& c, storage::Ino ino, uint64_t offset,
                                               uint32_t max_entries, bool plus) override {
    return in_->Readdir(c, ino, offset, max_entries, plus);
  }
  storage::Status SetXattr(const storage::OpId& op, const storage::Caller& c, storage::Ino ino,
                           std::string_view name, std::string_view value, uint32_t flags) override {
    return in_->SetXattr(op, c, ino, name, value, flags);
  }
  storage::Result<std::string> GetXattr(const storage::Caller& c, storage::Ino ino, std::string_view name) override {
    return in_->GetXattr(c, ino, name);
  }
  storage::Result<std::vector<std::string>> ListXattr(const storage::Caller& c, storage::Ino ino) override {
    return in_->ListXattr(c, ino);
  }
  storage::Status RemoveXattr(const storage::OpId& op, const storage::Caller& c, storage::Ino ino,
                              std::string_view name) override {
    return in_->RemoveXattr(op, c, ino, name);
  }

 private:
  storage::Status Counted(storage::Status st, bool durable) {
    if (st.ok() && durable) durable_commits_.fetch_add(1);
    return st;
  }

  storage::Volume* const in_;
  std::atomic<uint64_t> durable_commits_{0};
};

// rpuffsd's service on a store under `data_dir`, volume "default" only,
// counted; listens on 127.0.0.1 (any free port), with `max_message` bytes.
class InProcessServer {
 public:
  InProcessServer(const std::string& data_dir, int max_message);
  ~InProcessServer();
  bool ok() const { return server_ != nullptr; }
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
  CountingVolume& volume() { return *volume_; }

 private:
  class Store;
  std::unique_ptr<storage::Store> real_;
  std::unique_ptr<CountingVolume> volume_;
  std::unique_ptr<Store> store_;
  server::SessionTable sessions_{std::chrono::minutes(5)};
  server::WorkerPool pool_{2};
  server::ChangeFeed feed_;
  std::unique_ptr<server::VolumeService> service_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
};

}  // namespace rpuffs::testing
