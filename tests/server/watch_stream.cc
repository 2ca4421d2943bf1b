#include "tests/server/watch_stream.h"

#include <algorithm>
#include <sstream>

namespace rpuffs::testing {
namespace {

constexpr int kSmallWindowBytes = 1024;

v1::WatchRequest RequestFor(uint64_t session) {
  v1::WatchRequest req;
  req.mutable_hdr()->set_session_id(session);
  return req;
}

}  // namespace

WatchStream::WatchStream(const std::string& address, uint64_t session, bool small_window) {
  Open(address, RequestFor(session), small_window);
}

WatchStream::WatchStream(const std::string& address, const v1::WatchRequest& req, bool small_window) {
  Open(address, req, small_window);
}

void WatchStream::Open(const std::string& address, const v1::WatchRequest& req, bool small_window) {
  grpc::ChannelArguments args;
  if (small_window) {
    args.SetInt(GRPC_ARG_HTTP2_STREAM_LOOKAHEAD_BYTES, kSmallWindowBytes);
    args.SetInt(GRPC_ARG_HTTP2_BDP_PROBE, 0);
  }
  channel_ = grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(), args);
  stub_ = v1::Volume::NewStub(channel_);
  ctx_.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(120));
  reader_ = stub_->Watch(&ctx_, req);
}

WatchStream::~WatchStream() {
  ctx_.TryCancel();
  if (!thread_.joinable()) StartReading();  // drains and finishes the call
  thread_.join();
}

bool WatchStream::ReadNow(v1::WatchEvent* ev) { return reader_->Read(ev); }

void WatchStream::StartReading() {
  thread_ = std::thread([this] { ReadLoop(); });
}

void WatchStream::ReadLoop() {
  v1::WatchEvent ev;
  while (reader_->Read(&ev)) {
    std::lock_guard<std::mutex> lock(mu_);
    events_.push_back(ev);
    cv_.notify_all();
  }
  grpc::Status st = reader_->Finish();
  std::lock_guard<std::mutex> lock(mu_);
  status_ = st;
  cv_.notify_all();
}

bool WatchStream::Next(v1::WatchEvent* ev, std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lock(mu_);
  if (!cv_.wait_for(lock, timeout, [this] { return !events_.empty() || status_.has_value(); })) return false;
  if (events_.empty()) return false;
  *ev = std::move(events_.front());
  events_.pop_front();
  return true;
}

std::optional<grpc::Status> WatchStream::Finished(std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait_for(lock, timeout, [this] { return status_.has_value(); });
  return status_;
}

v1::Change InodeChange(uint64_t ino) {
  v1::Change c;
  c.set_ino(ino);
  return c;
}

v1::Change EntryChange(uint64_t parent, const std::string& name) {
  v1::Change c;
  c.set_parent(parent);
  c.set_name(name);
  return c;
}

bool operator==(const v1::Change& a, const v1::Change& b) {
  return a.ino() == b.ino() && a.parent() == b.parent() && a.name() == b.name();
}

bool SameChanges(const std::vector<v1::Change>& a, const std::vector<v1::Change>& b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](const auto& x, const auto& y) {
           return x == y;
         });
}

std::string Describe(const std::vector<v1::Change>& changes) {
  std::ostringstream out;
  out << "[";
  for (const auto& c : changes) {
    out << " {ino " << c.ino();
    if (c.parent() != 0 || !c.name().empty()) out << ", parent " << c.parent() << ", name '" << c.name() << "'";
    out << "}";
  }
  out << " ]";
  return out.str();
}

std::vector<v1::Change> CollectChanges(WatchStream& w, size_t want, std::chrono::milliseconds timeout) {
  std::vector<v1::Change> got;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (got.size() < want) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    v1::WatchEvent ev;
    if (left.count() <= 0 || !w.Next(&ev, left)) break;
    if (ev.overflow()) {
      v1::Change marker;
      marker.set_ino(~0ull);
      marker.set_parent(~0ull);
      got.push_back(marker);
    }
    got.insert(got.end(), ev.changes().begin(), ev.changes().end());
  }
  return got;
}

}  // namespace rpuffs::testing
