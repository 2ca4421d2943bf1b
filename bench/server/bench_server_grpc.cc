// bench_server_grpc — drives a running rpuffsd over gRPC with the callback
// client API, N calls in flight, and prints one line per workload:
// getattr, create, lookup, readdir of 10,000 entries, 1 MiB writes/reads,
// 4 KiB writes. Usage: bench_server_grpc --server 127.0.0.1:7420 [--inflight 32]
#include <fcntl.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include <CLI/CLI.hpp>
#include <grpcpp/grpcpp.h>

#include "proto/rpuffs.grpc.pb.h"

namespace rpuffs::bench {
namespace {

using Clock = std::chrono::steady_clock;
using Done = std::function<void(bool ok)>;
using Op = std::function<void(long i, Done done)>;

// Runs `total` operations keeping `inflight` outstanding; returns seconds.
// op(i, done) starts operation i and calls done exactly once (any thread).
double ClosedLoop(int inflight, long total, const Op& op, long* failures) {
  std::mutex mu;
  std::condition_variable cv;
  std::atomic<long> next{0}, completed{0}, failed{0};
  std::function<void()> issue;
  Done done = [&](bool ok) {
    if (!ok) failed++;
    if (completed.fetch_add(1) + 1 == total) {
      std::lock_guard<std::mutex> lock(mu);
      cv.notify_all();
      return;
    }
    issue();
  };
  issue = [&] {
    long i = next.fetch_add(1);
    if (i < total) op(i, done);
  };
  auto start = Clock::now();
  for (int k = 0; k < inflight && k < total; ++k) issue();
  std::unique_lock<std::mutex> lock(mu);
  cv.wait(lock, [&] { return completed.load() == total; });
  *failures = failed.load();
  return std::chrono::duration<double>(Clock::now() - start).count();
}

class Bench {
 public:
  Bench(const std::string& server, int inflight) : inflight_(inflight) {
    grpc::ChannelArguments args;
    args.SetMaxReceiveMessageSize(64 << 20);
    stub_ = v1::Volume::NewStub(grpc::CreateCustomChannel(server, grpc::InsecureChannelCredentials(), args));
  }

  bool Connect() {
    v1::HelloRequest req;
    req.set_protocol_version(1);
    req.set_client_name("bench_server_grpc");
    v1::HelloReply rep;
    grpc::ClientContext ctx;
    grpc::Status st = stub_->Hello(&ctx, req, &rep);
    if (!st.ok() || rep.err() != 0) {
      std::fprintf(stderr, "hello failed: %s errno %d\n", st.error_message().c_str(), rep.err());
      return false;
    }
    session_ = rep.session_id();
    return true;
  }

  v1::RequestHeader Hdr() {
    v1::RequestHeader hdr;
    hdr.set_session_id(session_);
    hdr.set_seq(seq_.fetch_add(1) + 1);
    return hdr;
  }

  template <class Req, class Rep>
  using AsyncMethod = void (v1::Volume::Stub::async_interface::*)(grpc::ClientContext*, const Req*, Rep*,
                                                                   std::function<void(grpc::Status)>);

  // Starts one async call; `check` maps the reply to success.
  template <class Req, class Rep>
  void Async(AsyncMethod<Req, Rep> method, Req req, Done done, std::function<bool(const Rep&)> check = nullptr) {
    struct State {
      grpc::ClientContext ctx;
      Req req;
      Rep rep;
    };
    auto* s = new State;
    s->req = std::move(req);
    (stub_->async()->*method)(&s->ctx, &s->req, &s->rep, [s, done, check](grpc::Status st) {
      bool ok = st.ok() && s->rep.err() == 0 && (!check || check(s->rep));
      delete s;
      done(ok);
    });
  }

  void Report(const char* name, int inflight, long ops, double secs, long failures, double bytes = 0) {
    std::printf("%-22s inflight=%-3d ops=%-7ld %10.0f ops/s", name, inflight, ops, ops / secs);
    if (bytes > 0) std::printf(" %8.1f MB/s", bytes / secs / 1e6);
    std::printf("  failures=%ld\n", failures);
    std::fflush(stdout);
  }

  uint64_t Mkdir(const std::string& name) {
    v1::MkdirRequest req;
    *req.mutable_hdr() = Hdr();
    req.set_parent(1);
    req.set_name(name);
    req.set_mode(0755);
    v1::EntryReply rep;
    grpc::ClientContext ctx;
    grpc::Status st = stub_->Mkdir(&ctx, req, &rep);
    return st.ok() && rep.err() == 0 ? rep.attr().ino() : 0;
  }

  void GetAttr(long n) {
    long failures = 0;
    double secs = ClosedLoop(inflight_, n, [this](long, Done done) {
      v1::GetAttrRequest req;
      *req.mutable_hdr() = Hdr();
      req.set_ino(1);
      Async<v1::GetAttrRequest, v1::AttrReply>(&v1::Volume::Stub::async_interface::GetAttr, req, done);
    }, &failures);
    Report("getattr", inflight_, n, secs, failures);
  }

  // Creates n files named f<i> in `dir` (closing each with Release is left out:
  // the session's handles are dropped by Goodbye).
  void Create(uint64_t dir, long n, const char* label) {
    long failures = 0;
    double secs = ClosedLoop(inflight_, n, [this, dir](long i, Done done) {
      v1::CreateRequest req;
      *req.mutable_hdr() = Hdr();
      req.set_parent(dir);
      req.set_name("f" + std::to_string(i));
      req.set_mode(0644);
      req.set_flags(O_RDWR | O_CREAT | O_EXCL);
      Async<v1::CreateRequest, v1::CreateReply>(&v1::Volume::Stub::async_interface::Create, req, done);
    }, &failures);
    Report(label, inflight_, n, secs, failures);
  }

  void Lookup(uint64_t dir, long n, long names) {
    long failures = 0;
    double secs = ClosedLoop(inflight_, n, [this, dir, names](long i, Done done) {
      v1::LookupRequest req;
      *req.mutable_hdr() = Hdr();
      req.set_parent(dir);
      req.set_name("f" + std::to_string((i * 7919) % names));
      Async<v1::LookupRequest, v1::EntryReply>(&v1::Volume::Stub::async_interface::Lookup, req, done);
    }, &failures);
    Report("lookup", inflight_, n, secs, failures);
  }

  // One client listing the whole directory page by page (as readdir(3) does).
  void Readdir(uint64_t dir, bool plus, long expect) {
    auto start = Clock::now();
    long entries = 0, pages = 0;
    uint64_t offset = 0;
    for (int page = 0; page < 100000; ++page) {
      v1::ReaddirRequest req;
      *req.mutable_hdr() = Hdr();
      req.set_ino(dir);
      req.set_offset(offset);
      req.set_max_entries(4096);
      req.set_plus(plus);
      v1::ReaddirReply rep;
      grpc::ClientContext ctx;
      if (!stub_->Readdir(&ctx, req, &rep).ok() || rep.err() != 0) break;
      ++pages;
      entries += rep.entries_size();
      if (rep.entries_size() > 0) offset = rep.entries(rep.entries_size() - 1).offset();
      if (rep.eof() || rep.entries_size() == 0) break;
    }
    double secs = std::chrono::duration<double>(Clock::now() - start).count();
    std::printf("%-22s entries=%ld (expected %ld) pages=%ld %8.1f ms  %10.0f entries/s\n",
                plus ? "readdirplus" : "readdir", entries, expect + 2, pages, secs * 1e3, entries / secs);
    std::fflush(stdout);
  }

  uint64_t OpenFile(uint64_t dir, const std::string& name, uint64_t* fh) {
    v1::CreateRequest req;
    *req.mutable_hdr() = Hdr();
    req.set_parent(dir);
    req.set_name(name);
    req.set_mode(0644);
    req.set_flags(O_RDWR | O_CREAT);
    v1::CreateReply rep;
    grpc::ClientContext ctx;
    if (!stub_->Create(&ctx, req, &rep).ok() || rep.err() != 0) return 0;
    *fh = rep.fh();
    return rep.attr().ino();
  }

  void Write(uint64_t ino, uint64_t fh, size_t size, long n, uint64_t span, int inflight, const char* label) {
    const std::string data(size, 'w');
    long failures = 0;
    double secs = ClosedLoop(inflight, n, [&, this](long i, Done done) {
      v1::WriteRequest req;
      *req.mutable_hdr() = Hdr();
      req.set_ino(ino);
      req.set_fh(fh);
      req.set_offset((static_cast<uint64_t>(i) * size) % span);
      req.set_data(data);
      Async<v1::WriteRequest, v1::WriteReply>(&v1::Volume::Stub::async_interface::Write, req, done);
    }, &failures);
    Report(label, inflight, n, secs, failures, static_cast<double>(n) * size);
  }

  void Read(uint64_t ino, uint64_t fh, size_t size, long n, uint64_t span, int inflight, const char* label) {
    long failures = 0;
    double secs = ClosedLoop(inflight, n, [&, this](long i, Done done) {
      v1::ReadRequest req;
      *req.mutable_hdr() = Hdr();
      req.set_ino(ino);
      req.set_fh(fh);
      req.set_offset((static_cast<uint64_t>(i) * size) % span);
      req.set_size(size);
      Async<v1::ReadRequest, v1::ReadReply>(&v1::Volume::Stub::async_interface::Read, req, done,
                                            [size](const v1::ReadReply& r) { return r.data().size() == size; });
    }, &failures);
    Report(label, inflight, n, secs, failures, static_cast<double>(n) * size);
  }

  int inflight() const { return inflight_; }

 private:
  int inflight_;
  std::unique_ptr<v1::Volume::Stub> stub_;
  uint64_t session_ = 0;
  std::atomic<uint64_t> seq_{0};
};

}  // namespace
}  // namespace rpuffs::bench

int main(int argc, char** argv) {
  std::string server = "127.0.0.1:7420";
  int inflight = 32;
  long ops = 100000;
  long files = 10000;
  int io_inflight = 4;
  long io_mib = 512;
  CLI::App app{"bench_server_grpc: rpuffsd over gRPC, N calls in flight", "bench_server_grpc"};
  app.add_option("--server", server, "rpuffsd address")->capture_default_str();
  app.add_option("--inflight", inflight, "calls in flight for metadata workloads")->capture_default_str();
  app.add_option("--ops", ops, "getattr and lookup calls")->capture_default_str();
  app.add_option("--files", files, "files created (and listed by readdir)")->capture_default_str();
  app.add_option("--io-inflight", io_inflight, "calls in flight for 1 MiB I/O")->capture_default_str();
  app.add_option("--io-mib", io_mib, "MiB written and read in 1 MiB calls")->capture_default_str();
  bool getattr_only = false;
  app.add_flag("--getattr-only", getattr_only, "run only the getattr workload");
  CLI11_PARSE(app, argc, argv);

  rpuffs::bench::Bench b(server, inflight);
  if (!b.Connect()) return 1;
  if (getattr_only) {
    b.GetAttr(ops);
    return 0;
  }
  const std::string run = std::to_string(std::chrono::system_clock::now().time_since_epoch().count());
  uint64_t dir = b.Mkdir("bench-" + run);
  if (dir == 0) return 1;
  b.GetAttr(ops);
  b.Create(dir, files, "create");
  b.Lookup(dir, ops, files);
  b.Readdir(dir, false, files);
  b.Readdir(dir, true, files);
  uint64_t fh = 0;
  uint64_t ino = b.OpenFile(dir, "big", &fh);
  if (ino == 0) return 1;
  const uint64_t span = 256ull << 20;
  b.Write(ino, fh, 1 << 20, io_mib, span, io_inflight, "write 1MiB");
  b.Read(ino, fh, 1 << 20, io_mib, span, io_inflight, "read 1MiB");
  b.Write(ino, fh, 4096, ops / 2, span, inflight, "write 4KiB");
  return 0;
}
