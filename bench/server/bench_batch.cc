// bench_batch — what a file's held-back ops cost against a running rpuffsd,
// one call at a time (as an untar through the mount waits for each): per
// file, Create, then write + chown + chmod + utimes + close either
//   separate: Write, SetAttr x3, Fsync, Release (6 more round trips), or
//   batch:    one Batch{write, setattr x3, release} with sync (1 more).
// With --durable 0 the close is not durable (no Fsync, no sync; the write
// names no handle, so the Release does not sync either): round trips only.
// The modes alternate file by file, so a drifting machine load hits both
// alike; prints the median and mean microseconds per file of each.
// Usage: bench_batch --server 127.0.0.1:7420 [--files 2000] [--size 4096] [--durable 1]
#include <fcntl.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <numeric>
#include <memory>
#include <string>

#include <CLI/CLI.hpp>
#include <grpcpp/grpcpp.h>

#include "proto/rpuffs.grpc.pb.h"

namespace rpuffs::bench {
namespace {

using Clock = std::chrono::steady_clock;

class Client {
 public:
  explicit Client(const std::string& server)
      : stub_(v1::Volume::NewStub(grpc::CreateChannel(server, grpc::InsecureChannelCredentials()))) {}

  bool Connect() {
    v1::HelloRequest req;
    req.set_protocol_version(1);
    req.set_client_name("bench_batch");
    v1::HelloReply rep;
    grpc::ClientContext ctx;
    if (!stub_->Hello(&ctx, req, &rep).ok() || rep.err() != 0) return false;
    session_ = rep.session_id();
    return true;
  }

  // A header taking `count` sequence numbers (credentials: root).
  v1::RequestHeader Hdr(uint64_t count = 1) {
    v1::RequestHeader hdr;
    hdr.set_session_id(session_);
    hdr.set_seq(seq_ + 1);
    seq_ += count;
    return hdr;
  }

  // One call; false (and a message) if it or its reply failed.
  template <class Req, class Rep>
  bool Call(grpc::Status (v1::Volume::Stub::*method)(grpc::ClientContext*, const Req&, Rep*), const Req& req,
            Rep* rep, const char* what) {
    grpc::ClientContext ctx;
    grpc::Status st = (stub_.get()->*method)(&ctx, req, rep);
    if (st.ok() && rep->err() == 0) return true;
    std::fprintf(stderr, "%s failed: %s errno %d\n", what, st.error_message().c_str(), rep->err());
    return false;
  }

 private:
  std::unique_ptr<v1::Volume::Stub> stub_;
  uint64_t session_ = 0;
  uint64_t seq_ = 0;
};

struct File {
  uint64_t ino = 0;
  uint64_t fh = 0;
};

// The three setattrs of an extracted file: chown, chmod, utimes.
std::vector<v1::SetAttrRequest> SetAttrs(const File& f) {
  std::vector<v1::SetAttrRequest> out(3);
  out[0].set_valid(v1::SET_UID | v1::SET_GID);
  out[0].set_uid(1000);
  out[0].set_gid(1000);
  out[1].set_valid(v1::SET_MODE);
  out[1].set_mode(0644);
  out[2].set_valid(v1::SET_ATIME | v1::SET_MTIME);
  out[2].mutable_atime()->set_sec(1700000000);
  out[2].mutable_mtime()->set_sec(1700000000);
  for (auto& s : out) s.set_ino(f.ino);
  return out;
}

// durable: the write names its handle (so its close would sync).
v1::WriteRequest WriteOf(const File& f, const std::string& data, bool durable) {
  v1::WriteRequest w;
  w.set_ino(f.ino);
  w.set_fh(durable ? f.fh : 0);
  w.set_data(data);
  return w;
}

bool Create(Client& c, uint64_t dir, const std::string& name, File* f) {
  v1::CreateRequest req;
  *req.mutable_hdr() = c.Hdr();
  req.set_parent(dir);
  req.set_name(name);
  req.set_mode(0600);
  req.set_flags(O_WRONLY | O_CREAT | O_EXCL);
  v1::CreateReply rep;
  if (!c.Call(&v1::Volume::Stub::Create, req, &rep, "create")) return false;
  *f = File{rep.attr().ino(), rep.fh()};
  return true;
}

bool Separate(Client& c, const File& f, const std::string& data, bool durable) {
  v1::WriteRequest w = WriteOf(f, data, durable);
  *w.mutable_hdr() = c.Hdr();
  v1::WriteReply wr;
  if (!c.Call(&v1::Volume::Stub::Write, w, &wr, "write")) return false;
  for (v1::SetAttrRequest& s : SetAttrs(f)) {
    *s.mutable_hdr() = c.Hdr();
    v1::AttrReply ar;
    if (!c.Call(&v1::Volume::Stub::SetAttr, s, &ar, "setattr")) return false;
  }
  v1::ErrReply er;
  if (durable) {
    v1::FsyncRequest fs;
    *fs.mutable_hdr() = c.Hdr();
    fs.set_ino(f.ino);
    fs.set_fh(f.fh);
    if (!c.Call(&v1::Volume::Stub::Fsync, fs, &er, "fsync")) return false;
  }
  v1::ReleaseRequest rel;
  *rel.mutable_hdr() = c.Hdr();
  rel.set_ino(f.ino);
  rel.set_fh(f.fh);
  return c.Call(&v1::Volume::Stub::Release, rel, &er, "release");
}

bool Batched(Client& c, const File& f, const std::string& data, bool durable) {
  v1::BatchRequest req;
  *req.add_ops()->mutable_write() = WriteOf(f, data, durable);
  for (v1::SetAttrRequest& s : SetAttrs(f)) *req.add_ops()->mutable_setattr() = std::move(s);
  v1::ReleaseRequest* rel = req.add_ops()->mutable_release();
  rel->set_ino(f.ino);
  rel->set_fh(f.fh);
  // Each op carries its own header for its credentials (root here).
  for (v1::BatchOp& op : *req.mutable_ops()) {
    if (op.has_write()) op.mutable_write()->mutable_hdr();
    if (op.has_setattr()) op.mutable_setattr()->mutable_hdr();
    if (op.has_release()) op.mutable_release()->mutable_hdr();
  }
  *req.mutable_hdr() = c.Hdr(req.ops_size());
  req.set_sync(durable);
  v1::BatchReply rep;
  if (!c.Call(&v1::Volume::Stub::Batch, req, &rep, "batch")) return false;
  for (const auto& r : rep.results()) {
    if (r.err() != 0) return false;
  }
  return true;
}

// Microseconds per file of each mode (even files separate, odd batched), in
// a new directory; false on a failure.
bool Run(Client& c, const std::string& dir_name, int files, const std::string& data, bool durable,
         std::vector<double>* separate, std::vector<double>* batch) {
  v1::MkdirRequest mk;
  *mk.mutable_hdr() = c.Hdr();
  mk.set_parent(1);
  mk.set_name(dir_name);
  mk.set_mode(0755);
  v1::EntryReply dir;
  if (!c.Call(&v1::Volume::Stub::Mkdir, mk, &dir, "mkdir")) return false;
  for (int i = 0; i < files; ++i) {
    const bool batched = i % 2 == 1;
    auto start = Clock::now();
    File f;
    if (!Create(c, dir.attr().ino(), "f" + std::to_string(i), &f)) return false;
    if (!(batched ? Batched(c, f, data, durable) : Separate(c, f, data, durable))) return false;
    (batched ? batch : separate)->push_back(std::chrono::duration<double, std::micro>(Clock::now() - start).count());
  }
  return true;
}

void Print(const char* mode, std::vector<double> us) {
  if (us.empty()) return;
  std::sort(us.begin(), us.end());
  double mean = std::accumulate(us.begin(), us.end(), 0.0) / us.size();
  std::printf("%-8s files=%zu  median %7.1f us/file  mean %7.1f us/file\n", mode, us.size(), us[us.size() / 2], mean);
}

}  // namespace
}  // namespace rpuffs::bench

int main(int argc, char** argv) {
  using namespace rpuffs::bench;
  CLI::App app{"bench_batch: held-back file ops, separate calls vs one Batch"};
  std::string server = "127.0.0.1:7420";
  int files = 2000, size = 4096;
  bool durable = true;
  app.add_option("--server", server, "rpuffsd address");
  app.add_option("--files", files, "files in all (half per mode)");
  app.add_option("--size", size, "bytes written per file");
  app.add_option("--durable", durable, "close durably (Fsync / Batch sync)");
  CLI11_PARSE(app, argc, argv);
  Client c(server);
  if (!c.Connect()) {
    std::fprintf(stderr, "cannot connect to %s\n", server.c_str());
    return 1;
  }
  const std::string data(size, 'd');
  const std::string tag = std::to_string(std::chrono::system_clock::now().time_since_epoch().count());
  std::vector<double> separate, batch;
  if (!Run(c, "bench_batch." + tag, files, data, durable, &separate, &batch)) return 1;
  std::printf("size=%d durable=%d\n", size, durable ? 1 : 0);
  Print("separate", separate);
  Print("batch", batch);
  return 0;
}
