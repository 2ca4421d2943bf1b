#include "tests/server/rpuffsd_harness.h"

#include <signal.h>
#include <sys/wait.h>

#include <gtest/gtest.h>

#include <algorithm>

namespace rpuffs::testing {
namespace {

std::shared_ptr<grpc::Channel> MakeChannel(const std::string& address) {
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(16 << 20);
  // Poll a starting server quickly instead of backing off for seconds.
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 50);
  args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 50);
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 200);
  return grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(), args);
}

}  // namespace

std::string RpuffsdPath() { return BinaryPath("server/rpuffsd"); }

bool StoppedCleanly(Subprocess& p) {
  p.Signal(SIGTERM);
  int status = p.Wait(std::chrono::seconds(10));
  return status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

Rpuffsd::Rpuffsd(const std::string& data_dir, std::vector<std::string> extra_args)
    : data_dir_(data_dir), extra_args_(std::move(extra_args)) {
  Start();
}

void Rpuffsd::Start() {
  port_ = FreeLoopbackPort();
  address_ = "127.0.0.1:" + std::to_string(port_);
  std::vector<std::string> argv{RpuffsdPath(), "--data", data_dir_, "--listen", address_};
  argv.insert(argv.end(), extra_args_.begin(), extra_args_.end());
  process_.reset();  // reaps an earlier attempt
  process_ = std::make_unique<Subprocess>(argv);
}

bool Rpuffsd::WaitServing(std::chrono::milliseconds timeout) {
  for (int attempt = 0; attempt < 3; ++attempt) {
    if (WaitOnce(timeout)) return true;
    if (process_->running() || process_->Output().find("cannot listen") == std::string::npos) return false;
    Start();
  }
  return false;
}

bool Rpuffsd::WaitOnce(std::chrono::milliseconds timeout) {
  auto channel = MakeChannel(address_);
  bool connected = false;
  WaitUntil(
      [&] {
        if (!process_->running()) return true;
        connected = channel->WaitForConnected(std::chrono::system_clock::now() + std::chrono::milliseconds(200));
        return connected;
      },
      timeout);
  return connected && process_->running();
}

Client::Client(const std::string& address)
    : channel_(MakeChannel(address)), stub_(v1::Volume::NewStub(channel_)) {}

grpc::Status Client::Hello(const v1::HelloRequest& req, v1::HelloReply* rep) {
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  return stub_->Hello(&ctx, req, rep);
}

v1::HelloReply Client::Connect(const std::string& volume, const std::string& token, grpc::Status* status) {
  v1::HelloRequest req;
  req.set_protocol_version(1);
  req.set_volume(volume);
  req.set_token(token);
  req.set_client_name("server-test");
  v1::HelloReply rep;
  grpc::Status st = Hello(req, &rep);
  if (status) *status = st;
  if (st.ok() && rep.err() == 0) session_ = rep.session_id();
  return rep;
}

v1::RequestHeader Client::Hdr(uint64_t count) {
  v1::RequestHeader hdr;
  hdr.set_session_id(session_);
  hdr.set_seq(seq_.fetch_add(count) + 1);
  return hdr;
}

v1::EntryReply Client::Lookup(uint64_t parent, const std::string& name) {
  v1::LookupRequest req;
  req.set_parent(parent);
  req.set_name(name);
  return Must(&v1::Volume::Stub::Lookup, req, "Lookup");
}

v1::AttrReply Client::GetAttr(uint64_t ino) {
  v1::GetAttrRequest req;
  req.set_ino(ino);
  return Must(&v1::Volume::Stub::GetAttr, req, "GetAttr");
}

v1::CreateReply Client::Create(uint64_t parent, const std::string& name, uint32_t flags) {
  v1::CreateRequest req;
  req.set_parent(parent);
  req.set_name(name);
  req.set_mode(0644);
  req.set_flags(flags);
  return Must(&v1::Volume::Stub::Create, req, "Create");
}

v1::EntryReply Client::Mkdir(uint64_t parent, const std::string& name) {
  v1::MkdirRequest req;
  req.set_parent(parent);
  req.set_name(name);
  req.set_mode(0755);
  return Must(&v1::Volume::Stub::Mkdir, req, "Mkdir");
}

v1::ErrReply Client::Unlink(uint64_t parent, const std::string& name) {
  v1::UnlinkRequest req;
  req.set_parent(parent);
  req.set_name(name);
  return Must(&v1::Volume::Stub::Unlink, req, "Unlink");
}

v1::WriteReply Client::Write(uint64_t ino, uint64_t fh, uint64_t offset, const std::string& data) {
  v1::WriteRequest req;
  req.set_ino(ino);
  req.set_fh(fh);
  req.set_offset(offset);
  req.set_data(data);
  return Must(&v1::Volume::Stub::Write, req, "Write");
}

v1::ReadReply Client::Read(uint64_t ino, uint64_t fh, uint64_t offset, uint32_t size) {
  v1::ReadRequest req;
  req.set_ino(ino);
  req.set_fh(fh);
  req.set_offset(offset);
  req.set_size(size);
  return Must(&v1::Volume::Stub::Read, req, "Read");
}

v1::ErrReply Client::Fsync(uint64_t ino, uint64_t fh) {
  v1::FsyncRequest req;
  req.set_ino(ino);
  req.set_fh(fh);
  return Must(&v1::Volume::Stub::Fsync, req, "Fsync");
}

v1::ErrReply Client::Release(uint64_t ino, uint64_t fh) {
  v1::ReleaseRequest req;
  req.set_ino(ino);
  req.set_fh(fh);
  return Must(&v1::Volume::Stub::Release, req, "Release");
}

v1::ReaddirReply Client::Readdir(uint64_t ino, uint64_t offset, uint32_t max_entries, bool plus) {
  v1::ReaddirRequest req;
  req.set_ino(ino);
  req.set_offset(offset);
  req.set_max_entries(max_entries);
  req.set_plus(plus);
  return Must(&v1::Volume::Stub::Readdir, req, "Readdir");
}

v1::StatfsReply Client::Statfs() {
  return Must(&v1::Volume::Stub::Statfs, v1::StatfsRequest(), "Statfs");
}

std::vector<std::string> Client::List(uint64_t dir) {
  std::vector<std::string> names;
  uint64_t offset = 0;
  for (int page = 0; page < 10000; ++page) {
    v1::ReaddirReply rep = Readdir(dir, offset, 0, false);
    EXPECT_EQ(rep.err(), 0) << "readdir of " << dir;
    if (rep.err() != 0) break;
    for (const auto& e : rep.entries()) {
      if (e.name() != "." && e.name() != "..") names.push_back(e.name());
      offset = e.offset();
    }
    if (rep.eof() || rep.entries_size() == 0) break;
  }
  std::sort(names.begin(), names.end());
  return names;
}

uint64_t Client::UsedInodes() {
  v1::StatfsReply rep = Statfs();
  EXPECT_EQ(rep.err(), 0);
  return rep.files() - rep.ffree();
}

}  // namespace rpuffs::testing
