#include "server/daemon.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include <grpcpp/grpcpp.h>

#include "server/change_feed.h"
#include "server/log.h"
#include "server/session_table.h"
#include "server/signals.h"
#include "server/volume_service.h"
#include "server/worker_pool.h"
#include "storage/store.h"

namespace rpuffs::server {
namespace {

constexpr auto kShutdownGrace = std::chrono::seconds(3);
constexpr int kMaxReceiveBytes = (1 << 20) + (64 << 10);  // 1 MiB payload + headers
constexpr int kMinClientPingMs = 5000;

int Fail(const std::string& reason) {
  std::fprintf(stderr, "rpuffsd: %s\n", reason.c_str());
  return 1;
}

// Creates DIR if missing; "" if it is a usable directory, else why not.
std::string PrepareDataDir(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  struct stat st {};
  if (stat(dir.c_str(), &st) != 0) {
    return "cannot use data dir " + dir + ": " + (ec ? ec.message() : std::strerror(errno));
  }
  if (!S_ISDIR(st.st_mode)) return "cannot use data dir " + dir + ": not a directory";
  if (access(dir.c_str(), R_OK | W_OK | X_OK) != 0) {
    return "cannot use data dir " + dir + ": " + std::strerror(errno);
  }
  return {};
}

// Opens the store, creates the requested volumes, and gives sessions recorded
// by an earlier run a fresh lease. "" on success, else the reason.
std::string OpenStore(const ServerOptions& options, SessionTable* sessions,
                      std::unique_ptr<storage::Store>* store) {
  if (std::string why = PrepareDataDir(options.data_dir); !why.empty()) return why;
  storage::StoreOptions store_options;
  store_options.volume.rocksdb_log = [](bool error, std::string_view line) {
    if (error) {
      spdlog::error("event=rocksdb {}", line);
    } else {
      spdlog::warn("event=rocksdb {}", line);
    }
  };
  auto opened = storage::Store::Open(options.data_dir, store_options);
  if (!opened.ok()) {
    if (opened.err() == EBUSY) return "data dir " + options.data_dir + " is in use by another rpuffsd";
    return "cannot open data dir " + options.data_dir + ": " + std::strerror(opened.err()) + " (" +
           opened.status().message() + ")";
  }
  *store = std::move(opened).value();
  for (const std::string& name : options.volumes) {
    if ((*store)->Find(name) != nullptr) continue;
    auto created = (*store)->CreateVolume(name);
    if (!created.ok()) return "cannot create volume " + name + ": " + std::strerror(created.err());
  }
  for (const std::string& name : (*store)->ListVolumes()) {
    storage::Volume* volume = (*store)->Find(name);
    auto recorded = volume->ListSessions();
    if (!recorded.ok()) return "cannot list sessions of volume " + name + ": " + recorded.status().message();
    sessions->Restore(name, volume, recorded.value());
  }
  return {};
}

std::unique_ptr<grpc::Server> StartGrpc(const std::string& listen, grpc::Service* service, int* port) {
  grpc::ServerBuilder builder;
  // Off, or a second rpuffsd on the same port would start and share it.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  // Clients may keep idle connections alive with pings every few seconds.
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS, kMinClientPingMs);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
  builder.SetMaxReceiveMessageSize(kMaxReceiveBytes);
  builder.AddListeningPort(listen, grpc::InsecureServerCredentials(), port);
  builder.RegisterService(service);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (server != nullptr && *port == 0) server.reset();
  return server;
}

std::string JoinVolumes(storage::Store* store) {
  std::string out;
  for (const auto& name : store->ListVolumes()) out += (out.empty() ? "" : ",") + name;
  return out;
}

}  // namespace

int RunDaemon(const ServerOptions& options) {
  BlockStopSignals();  // before RocksDB or gRPC start a thread
  InitLogging(options.log_level);

  SessionTable sessions{std::chrono::milliseconds(options.lease_ms)};
  std::unique_ptr<storage::Store> store;
  if (std::string why = OpenStore(options, &sessions, &store); !why.empty()) return Fail(why);

  WorkerPool pool(options.sync_workers);
  ChangeFeed feed;
  sessions.SetEndHook([&feed](uint64_t id) { feed.EndSession(id); });
  ServiceConfig config{options.token, options.lease_ms, storage::VolumeOptions{}.block_size};
  VolumeService service(store.get(), &sessions, &pool, &feed, config);
  int port = 0;
  std::unique_ptr<grpc::Server> server = StartGrpc(options.listen, &service, &port);
  if (server == nullptr) return Fail("cannot listen on " + options.listen + " (address in use or invalid)");
  sessions.StartReaper();
  spdlog::info("event=start listen={} port={} data={} volumes={} restored_sessions={} lease_ms={} pid={}",
               options.listen, port, options.data_dir, JoinVolumes(store.get()), sessions.size(),
               options.lease_ms, getpid());

  int sig = WaitForStopSignal();
  spdlog::info("event=stopping signal={}", strsignal(sig));
  // Watch streams end first (gRPC's Shutdown would wait for them). Calls in
  // flight and the watchers' last writes get kShutdownGrace to finish; then
  // gRPC is shut down at once (cancelling stragglers, e.g. a watcher whose
  // client stopped reading, and dropping idle connections).
  const auto grace_end = std::chrono::steady_clock::now() + kShutdownGrace;
  feed.Close();
  bool drained = service.Drain(grace_end);
  if (!drained) spdlog::warn("event=shutdown-cancel reason=\"calls still running after grace period\"");
  if (!feed.WaitIdle(grace_end)) spdlog::warn("event=shutdown-cancel reason=\"watch streams still open\"");
  server->Shutdown(std::chrono::system_clock::now());
  server.reset();
  // Cancelled watchers finish on gRPC threads; the feed must outlive them.
  if (!feed.WaitIdle(std::chrono::steady_clock::now() + kShutdownGrace)) {
    spdlog::warn("event=shutdown-watchers-left");
  }
  pool.Stop();
  sessions.StopReaper();
  store.reset();  // after every user of the volumes is gone
  spdlog::info("event=stop signal={}", strsignal(sig));
  return 0;
}

}  // namespace rpuffs::server
