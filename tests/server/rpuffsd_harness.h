// tests/server — a real rpuffsd process on a free loopback port, and a small
// gRPC client for it, shared by the server test suites.
//
// Rpuffsd starts the binary built by this tree and stops it (SIGTERM, then
// SIGKILL) on destruction. Client wraps a stub: it remembers the session from
// Hello and fills each request's header with a fresh sequence number. Every
// call has a 10 s deadline. Not thread-safe except where noted.
#pragma once

#include <fcntl.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include "proto/rpuffs.grpc.pb.h"
#include "tests/support/test_support.h"

namespace rpuffs::testing {

std::string RpuffsdPath();

// SIGTERM to `p`; true if it then exits with status 0 within 10 s.
bool StoppedCleanly(Subprocess& p);

class Rpuffsd {
 public:
  // Starts rpuffsd --data data_dir --listen 127.0.0.1:<free port> + extra_args.
  explicit Rpuffsd(const std::string& data_dir, std::vector<std::string> extra_args = {});
  // True once it accepts connections; false if it exited or timed out. A
  // free port can be taken by someone else before rpuffsd binds it: then it
  // is restarted on another port (a few times).
  bool WaitServing(std::chrono::milliseconds timeout = std::chrono::seconds(30));
  const std::string& address() const { return address_; }
  int port() const { return port_; }
  Subprocess& process() { return *process_; }

 private:
  void Start();
  bool WaitOnce(std::chrono::milliseconds timeout);

  std::string data_dir_;
  std::vector<std::string> extra_args_;
  int port_ = 0;
  std::string address_;
  std::unique_ptr<Subprocess> process_;
};

class Client {
 public:
  explicit Client(const std::string& address);

  grpc::Status Hello(const v1::HelloRequest& req, v1::HelloReply* rep);
  // Hello(version 1, volume, token); on success remembers the session.
  v1::HelloReply Connect(const std::string& volume = "", const std::string& token = "",
                         grpc::Status* status = nullptr);
  uint64_t session() const { return session_; }
  void set_session(uint64_t id) { session_ = id; }

  // A header naming the session, with the next sequence number; Hdr(n)
  // takes n consecutive ones (a Batch of n ops) and names the first. Thread-safe.
  v1::RequestHeader Hdr(uint64_t count = 1);

  // One unary call; fills req.hdr first unless it is set.
  template <class Req, class Rep>
  grpc::Status Call(grpc::Status (v1::Volume::Stub::*method)(grpc::ClientContext*, const Req&, Rep*), Req req,
                    Rep* rep) {
    if (!req.has_hdr()) *req.mutable_hdr() = Hdr();
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    return (stub_.get()->*method)(&ctx, req, rep);
  }

  // The reply of a call that must succeed at the gRPC level: a non-OK
  // status is a test failure (and an empty reply).
  template <class Req, class Rep>
  Rep Must(grpc::Status (v1::Volume::Stub::*method)(grpc::ClientContext*, const Req&, Rep*), const Req& req,
           const char* what) {
    Rep rep;
    grpc::Status st = Call(method, req, &rep);
    EXPECT_TRUE(st.ok()) << what << ": gRPC status " << st.error_code() << " " << st.error_message();
    return st.ok() ? rep : Rep();
  }

  // Shortcuts, all through Must().
  v1::EntryReply Lookup(uint64_t parent, const std::string& name);
  v1::AttrReply GetAttr(uint64_t ino);
  v1::CreateReply Create(uint64_t parent, const std::string& name, uint32_t flags = O_RDWR | O_CREAT);
  v1::EntryReply Mkdir(uint64_t parent, const std::string& name);
  v1::ErrReply Unlink(uint64_t parent, const std::string& name);
  v1::WriteReply Write(uint64_t ino, uint64_t fh, uint64_t offset, const std::string& data);
  v1::ReadReply Read(uint64_t ino, uint64_t fh, uint64_t offset, uint32_t size);
  v1::ErrReply Fsync(uint64_t ino, uint64_t fh);
  v1::ErrReply Release(uint64_t ino, uint64_t fh);
  v1::ReaddirReply Readdir(uint64_t ino, uint64_t offset = 0, uint32_t max_entries = 0, bool plus = false);
  v1::StatfsReply Statfs();
  // Names in a directory, "." and ".." excluded, over as many pages as needed.
  std::vector<std::string> List(uint64_t dir);
  // Inodes in use: statfs files - ffree.
  uint64_t UsedInodes();

  v1::Volume::Stub* stub() { return stub_.get(); }

 private:
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::Volume::Stub> stub_;
  uint64_t session_ = 0;
  std::atomic<uint64_t> seq_{0};
};

}  // namespace rpuffs::testing
