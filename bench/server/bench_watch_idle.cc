// bench_watch_idle — one idle mount's Watch stream, to measure what change
// notices cost rpuffsd while other clients work. It opens a session and its
// Watch, receives (and counts) every event, renews the session, and on
// SIGINT/SIGTERM or after --seconds prints one line:
//   events=N changes=N overflows=N
// Usage: bench_watch_idle --server 127.0.0.1:7420 [--volume default] [--seconds 0 (until a signal)]
#include <signal.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <thread>

#include <CLI/CLI.hpp>
#include <grpcpp/grpcpp.h>

#include "proto/rpuffs.grpc.pb.h"

namespace {

using Clock = std::chrono::steady_clock;

struct Counts {
  std::atomic<long> events{0}, changes{0}, overflows{0};
};

// The session id, or 0 (reason printed).
uint64_t Hello(rpuffs::v1::Volume::Stub* stub, const std::string& volume, uint32_t* lease_ms) {
  rpuffs::v1::HelloRequest req;
  req.set_protocol_version(1);
  req.set_volume(volume);
  req.set_client_name("bench_watch_idle");
  rpuffs::v1::HelloReply rep;
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  grpc::Status st = stub->Hello(&ctx, req, &rep);
  if (!st.ok() || rep.err() != 0) {
    std::fprintf(stderr, "bench_watch_idle: hello failed: %s errno %d\n", st.error_message().c_str(), rep.err());
    return 0;
  }
  *lease_ms = rep.lease_ms();
  return rep.session_id();
}

bool KeepAlive(rpuffs::v1::Volume::Stub* stub, uint64_t session) {
  rpuffs::v1::KeepAliveRequest req;
  req.mutable_hdr()->set_session_id(session);
  rpuffs::v1::ErrReply rep;
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  return stub->KeepAlive(&ctx, req, &rep).ok();
}

}  // namespace

int main(int argc, char** argv) {
  std::string server = "127.0.0.1:7420";
  std::string volume = "default";
  int seconds = 0;
  CLI::App app{"bench_watch_idle: holds one Watch stream open and counts what it receives", "bench_watch_idle"};
  app.add_option("--server", server, "rpuffsd address")->capture_default_str();
  app.add_option("--volume", volume, "volume to watch")->capture_default_str();
  app.add_option("--seconds", seconds, "stop after this long (0: at SIGINT/SIGTERM)")->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGINT);
  sigaddset(&stop, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop, nullptr);  // before gRPC starts threads

  auto stub = rpuffs::v1::Volume::NewStub(grpc::CreateChannel(server, grpc::InsecureChannelCredentials()));
  uint32_t lease_ms = 0;
  const uint64_t session = Hello(stub.get(), volume, &lease_ms);
  if (session == 0) return 1;

  grpc::ClientContext ctx;
  rpuffs::v1::WatchRequest req;
  req.mutable_hdr()->set_session_id(session);
  auto reader = stub->Watch(&ctx, req);
  Counts counts;
  std::thread receiver([&] {
    rpuffs::v1::WatchEvent ev;
    while (reader->Read(&ev)) {
      counts.events++;
      counts.changes += ev.changes_size();
      if (ev.overflow()) counts.overflows++;
    }
  });

  const auto period = std::chrono::milliseconds(std::max<uint32_t>(lease_ms / 3, 100));
  const auto end = seconds > 0 ? Clock::now() + std::chrono::seconds(seconds) : Clock::time_point::max();
  const timespec tick{static_cast<time_t>(period.count() / 1000), static_cast<long>(period.count() % 1000) * 1000000};
  for (bool go = true; go && Clock::now() < end;) {
    go = sigtimedwait(&stop, nullptr, &tick) < 0 && KeepAlive(stub.get(), session);
  }
  ctx.TryCancel();
  receiver.join();
  reader->Finish();
  std::printf("events=%ld changes=%ld overflows=%ld\n", counts.events.load(), counts.changes.load(),
              counts.overflows.load());
  return 0;
}
