// client/load — the file system one load client drives, in continuation
// style, so the same workload runs straight against rpuffsd (RemoteFs: async
// RPCs, completions on gRPC threads) and through a mounted directory
// (PosixFs: syscalls, completions inline on the calling thread).
//
// Contract for every method: `done` runs exactly once, with 0 or a positive
// errno; the other arguments are valid only when err == 0. It may run on
// the calling thread before the method returns (PosixFs always does) or on
// a gRPC thread later (RemoteFs); it must not block. An Fs is thread-safe:
// several calls may be in flight at once.
//
// Nodes are portable between the clients of one run: `ino` names the inode
// on the server (RemoteFs) and `rel` the path below the mount root
// (PosixFs), so a node made by one client can be used by another.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

namespace rpuffs::load {

struct Node {
  uint64_t ino = 0;
  std::string rel;  // "" is the root
};

struct Handle {
  uint64_t ino = 0;
  uint64_t fh = 0;  // RemoteFs: the remote library's local handle id
  int fd = -1;      // PosixFs
};

struct Written {
  uint64_t bytes = 0;
};

using ErrCb = std::function<void(int err)>;
using NodeCb = std::function<void(int err, Node node)>;
using CreateCb = std::function<void(int err, Node node, Handle handle)>;
using OpenCb = std::function<void(int err, Handle handle)>;
using CountCb = std::function<void(int err, uint64_t count)>;
using WriteCb = std::function<void(int err, Written written)>;
using DataCb = std::function<void(int err, std::string data)>;

class Fs {
 public:
  virtual ~Fs() = default;
  virtual Node Root() const = 0;
  // Mode 0755.
  virtual void Mkdir(const Node& dir, const std::string& name, NodeCb done) = 0;
  // O_CREAT|O_EXCL|O_RDWR, mode 0644: a new file, open.
  virtual void Create(const Node& dir, const std::string& name, CreateCb done) = 0;
  // stat(2) of dir/name (a LOOKUP on the server).
  virtual void Lookup(const Node& dir, const std::string& name, NodeCb done) = 0;
  virtual void Open(const Node& file, int flags, OpenCb done) = 0;
  // Number of entries other than "." and "..".
  virtual void Readdir(const Node& dir, CountCb done) = 0;
  virtual void Unlink(const Node& dir, const std::string& name, ErrCb done) = 0;
  virtual void Rmdir(const Node& dir, const std::string& name, ErrCb done) = 0;
  // All of `data` at `offset`; a short write is EIO.
  virtual void Write(const Handle& h, uint64_t offset, std::string data, WriteCb done) = 0;
  // Up to `size` bytes; fewer only at end of file.
  virtual void Read(const Handle& h, uint64_t offset, uint32_t size, DataCb done) = 0;
  virtual void Close(const Handle& h, ErrCb done) = 0;
};

}  // namespace rpuffs::load
