// client/load — Fs over a mounted directory, through ordinary syscalls (the
// kernel path). Every call completes inline: `done` has run when the method
// returns. Paths are root + "/" + Node::rel. Thread-safe (no state but the
// root).
#pragma once

#include <string>

#include "client/load/fs.h"

namespace rpuffs::load {

class PosixFs final : public Fs {
 public:
  explicit PosixFs(std::string root) : root_(std::move(root)) {}

  Node Root() const override { return Node{}; }
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
  std::string Path(const Node& n) const;

  std::string root_;
};

// Is `dir` an existing directory? Otherwise *why says what is wrong.
bool CheckMountDir(const std::string& dir, std::string* why);

}  // namespace rpuffs::load
