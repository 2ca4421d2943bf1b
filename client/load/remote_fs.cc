#include "client/load/remote_fs.h"

#include <fcntl.h>

#include <cerrno>

#include "client/remote/rpcs.h"

namespace rpuffs::load {
namespace {

namespace v1 = ::rpuffs::v1;
using remote::Done;

constexpr uint32_t kReaddirBatch = 1024;
// A load run is short: a call the server cannot answer within this fails
// (EIO) instead of waiting out the library's default grace.
constexpr std::chrono::milliseconds kGrace{20000};
constexpr std::chrono::milliseconds kConnectTimeout{5000};

}  // namespace

std::unique_ptr<Fs> ConnectRemoteFs(const std::string& spec, const std::string& token,
                                    std::string* why) {
  remote::Target target;
  if (!remote::ParseTarget(spec, &target, why)) return nullptr;
  remote::RemoteOptions o;
  o.target = target.host_port;
  o.volume = target.volume;
  o.token = token;
  o.client_name = "rpuffs-load";
  o.grace = kGrace;
  o.connect_timeout = kConnectTimeout;
  remote::RemoteVolume::ConnectError error;
  auto vol = remote::RemoteVolume::Connect(o, &error);
  if (!vol) {
    *why = error.message;
    return nullptr;
  }
  return std::make_unique<RemoteFs>(std::move(vol));
}

void RemoteFs::Mkdir(const Node& dir, const std::string& name, NodeCb done) {
  v1::MkdirRequest req;
  req.set_parent(dir.ino);
  req.set_name(name);
  req.set_mode(0755);
  vol_->Call(remote::kMkdir, std::move(req),
             Done<v1::EntryReply>([done](int err, v1::EntryReply& rep) {
               done(err, Node{rep.attr().ino(), ""});
             }));
}

void RemoteFs::Create(const Node& dir, const std::string& name, CreateCb done) {
  v1::CreateRequest req;
  req.set_parent(dir.ino);
  req.set_name(name);
  req.set_mode(0644);
  req.set_flags(O_CREAT | O_EXCL | O_RDWR);
  vol_->Call(remote::kCreate, std::move(req),
             Done<v1::CreateReply>([done](int err, v1::CreateReply& rep) {
               uint64_t ino = rep.attr().ino();
               done(err, Node{ino, ""}, Handle{ino, rep.fh(), -1});
             }));
}

void RemoteFs::Lookup(const Node& dir, const std::string& name, NodeCb done) {
  v1::LookupRequest req;
  req.set_parent(dir.ino);
  req.set_name(name);
  vol_->Call(remote::kLookup, std::move(req),
             Done<v1::EntryReply>([done](int err, v1::EntryReply& rep) {
               done(err, Node{rep.attr().ino(), ""});
             }));
}

void RemoteFs::Open(const Node& file, int flags, OpenCb done) {
  v1::OpenRequest req;
  req.set_ino(file.ino);
  req.set_flags(static_cast<uint32_t>(flags));
  uint64_t ino = file.ino;
  vol_->Call(remote::kOpen, std::move(req),
             Done<v1::OpenReply>([done, ino](int err, v1::OpenReply& rep) {
               done(err, Handle{ino, rep.fh(), -1});
             }));
}

void RemoteFs::Readdir(const Node& dir, CountCb done) {
  ReaddirFrom(dir.ino, 0, 0, std::move(done));
}

// One READDIR per batch, chained from each completion until eof.
void RemoteFs::ReaddirFrom(uint64_t ino, uint64_t offset, uint64_t seen, CountCb done) {
  v1::ReaddirRequest req;
  req.set_ino(ino);
  req.set_offset(offset);
  req.set_max_entries(kReaddirBatch);
  vol_->Call(remote::kReaddir, std::move(req),
             Done<v1::ReaddirReply>([this, ino, seen, done](int err, v1::ReaddirReply& rep) {
               if (err != 0) return done(err, 0);
               uint64_t count = seen;
               for (const auto& e : rep.entries()) {
                 if (e.name() != "." && e.name() != "..") ++count;
               }
               if (rep.eof() || rep.entries_size() == 0) return done(0, count);
               ReaddirFrom(ino, rep.entries(rep.entries_size() - 1).offset(), count, done);
             }));
}

void RemoteFs::Unlink(const Node& dir, const std::string& name, ErrCb done) {
  v1::UnlinkRequest req;
  req.set_parent(dir.ino);
  req.set_name(name);
  vol_->Call(remote::kUnlink, std::move(req),
             Done<v1::ErrReply>([done](int err, v1::ErrReply&) { done(err); }));
}

void RemoteFs::Rmdir(const Node& dir, const std::string& name, ErrCb done) {
  v1::RmdirRequest req;
  req.set_parent(dir.ino);
  req.set_name(name);
  vol_->Call(remote::kRmdir, std::move(req),
             Done<v1::ErrReply>([done](int err, v1::ErrReply&) { done(err); }));
}

void RemoteFs::Write(const Handle& h, uint64_t offset, std::string data, WriteCb done) {
  uint64_t want = data.size();
  v1::WriteRequest req;
  req.set_ino(h.ino);
  req.set_fh(h.fh);
  req.set_offset(offset);
  req.set_data(std::move(data));
  vol_->Call(remote::kWrite, std::move(req),
             Done<v1::WriteReply>([done, want](int err, v1::WriteReply& rep) {
               if (err == 0 && rep.count() != want) err = EIO;
               done(err, Written{err == 0 ? want : 0});
             }));
}

void RemoteFs::Read(const Handle& h, uint64_t offset, uint32_t size, DataCb done) {
  v1::ReadRequest req;
  req.set_ino(h.ino);
  req.set_fh(h.fh);
  req.set_offset(offset);
  req.set_size(size);
  vol_->Call(remote::kRead, std::move(req),
             Done<v1::ReadReply>([done](int err, v1::ReadReply& rep) {
               done(err, err == 0 ? std::move(*rep.mutable_data()) : std::string());
             }));
}

void RemoteFs::Close(const Handle& h, ErrCb done) {
  v1::ReleaseRequest req;
  req.set_ino(h.ino);
  req.set_fh(h.fh);
  vol_->Call(remote::kRelease, std::move(req),
             Done<v1::ErrReply>([done](int err, v1::ErrReply&) { done(err); }));
}

}  // namespace rpuffs::load
