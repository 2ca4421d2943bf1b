// client/load — Fs straight against rpuffsd, through the client library the
// mount daemon uses (client/remote). One RemoteFs = one RemoteVolume = its
// own channel, client id and session. Calls are asynchronous: completions
// run on gRPC threads (remote/call.h).
#pragma once

#include <memory>
#include <string>

#include "client/load/fs.h"
#include "client/remote/remote_volume.h"

namespace rpuffs::load {

class RemoteFs final : public Fs {
 public:
  explicit RemoteFs(std::unique_ptr<remote::RemoteVolume> volume) : vol_(std::move(volume)) {}

  Node Root() const override { return Node{vol_->root_ino(), ""}; }
  void Mkdir(const Node& dir, const std::string& name, NodeCb done) override;
  void Create(const Node& dir, const std::string& name, CreateCb done) override;
  void Lookup(const Node& dir, const std::string& name, NodeCb done) override;
  void Open(const Node& file, int flags, OpenCb done) override;
  void Readdir(const Node& dir, CountCb done) override;
  void Unlink(const Node& dir, const std::string& name, ErrCb done) override;
  void Rmdir(const Node& dir, const std::string& name, ErrCb done) override;
  void Write(const Handle& h, uint64_t offset, std::string data, WriteCb done) override;
  void Read(const Handle& h, uint64_t offset, uint32_t size, DataCb done) override;
  void Close(const Handle& h, ErrCb done) override;

 private:
  void ReaddirFrom(uint64_t ino, uint64_t offset, uint64_t seen, CountCb done);

  std::unique_ptr<remote::RemoteVolume> vol_;
};

// Connects one client session to "HOST:PORT[/VOLUME]". On failure returns
// nullptr and a one-line reason in *why.
std::unique_ptr<Fs> ConnectRemoteFs(const std::string& spec, const std::string& token,
                                    std::string* why);

}  // namespace rpuffs::load
