// rpuffs — mount a volume of an rpuffsd.
//
//   rpuffs HOST:PORT[/VOLUME] MOUNTPOINT [-o opt,...] [-f] [-d]
//
// Order matters (STACK-NOTES §1.3, pitfalls 7 and 8): parse and check
// everything that needs no server, fork (daemon mode) BEFORE any gRPC object
// exists, block the termination signals before gRPC starts threads, probe
// the server with a fail-fast Hello, mount, and only then tell the waiting
// parent that the mount is live.
#include <malloc.h>
#include <sys/stat.h>

#include <cerrno>
#include <climits>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <system_error>

#include <CLI/CLI.hpp>
#include <absl/synchronization/mutex.h>
#include <spdlog/spdlog.h>

#include "client/puffs/daemon.h"
#include "client/puffs/event_loop.h"
#include "client/puffs/usermount.h"
#include "client/remote/remote_volume.h"
#include "client/rpuffs/mount_options.h"
#include "client/rpuffs/readahead.h"
#include "client/rpuffs/remote_fs.h"

namespace {

using namespace rpuffs;

constexpr const char* kProgram = "rpuffs";

struct CommandLine {
  std::string source;
  std::string mountpoint;
  std::vector<std::string> options;
  bool foreground = false;
  bool debug = false;
  // Longer than the framework's default: the loop also waits for gRPC
  // completions (a create's call ~260 us here, a close's synced batch
  // ~800-1,000 us), and catching them while polling saves the wake-up.
  // 300 us covered a create but not a close. Eighth session, fresh mounts,
  // alternated (bench/peers/RESULTS.md): untar of /usr/include 41.5 / 39.1 s
  // with 300, 35.9 / 31.4 with 1500, 31.1 with 1000; 41.1 with 3000 against
  // 37.8 with 1500 in another pair (a slower disk that hour); bench.sh
  // md+fio, two pairs 300 / 1500: creates P=1 2,751 / 3,528 and 2,873 /
  // 2,967 per s, P=4 3,172 / 3,856 and 2,409 / 3,371, random reads 60k / 66k
  // and 45k / 53k IOPS, sequential rows equal. An idle mount still polls
  // nothing (the window shrinks to zero).
  unsigned poll_us = 1500;
};

// -1 to go on; otherwise the exit code (0 for --help/--version).
int ParseCommandLine(int argc, char** argv, CommandLine* cl) {
  CLI::App app("Mount a volume served by rpuffsd.", kProgram);
  app.add_option("source", cl->source, "HOST:PORT[/VOLUME] (volume 'default' if omitted)")
      ->required();
  app.add_option("mountpoint", cl->mountpoint, "an existing directory")->required();
  app.add_option("-o", cl->options,
                 "options, comma-separated: token=, attr_timeout=SEC, entry_timeout=SEC, "
                 "cache_timeout=SEC, nowatch, grace=SEC, writeback, readaround=BYTES (a read "
                 "smaller than BYTES brings its aligned BYTES into the page cache; default "
                 "64K, 0 = off, needs the watch), poll_us=USEC (as --poll-us), and FUSE ones "
                 "(allow_other, ro, ...)")
      ->allow_extra_args(false);
  app.add_flag("-f,--foreground", cl->foreground, "stay in the foreground");
  app.add_flag("-d,--debug", cl->debug, "log every request");
  app.add_option("--poll-us", cl->poll_us,
                 "busy-poll for requests up to USEC microseconds before sleeping (adaptive; "
                 "0 = never)")
      ->check(CLI::Range(0u, 10000u))
      ->capture_default_str();
  app.set_version_flag("--version", std::string(kProgram) + " 0.1.0");
  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    fprintf(stderr, "%s: %s (try --help)\n", kProgram, e.what());
    return 2;
  }
  return -1;
}

bool ResolveMountpoint(const std::string& path, std::string* absolute, std::string* why) {
  struct stat st;
  char resolved[PATH_MAX];
  if (stat(path.c_str(), &st) != 0 || realpath(path.c_str(), resolved) == nullptr) {
    *why = "mount point " + path + ": " + strerror(errno);
    return false;
  }
  if (!S_ISDIR(st.st_mode)) {
    *why = "mount point " + path + " is not a directory";
    return false;
  }
  *absolute = resolved;
  return true;
}

int MountAndRun(const client::MountSettings& settings, const std::string& mountpoint,
                const CommandLine& cl, puffs::DaemonReport& report) {
  const bool debug = cl.debug;
  // Signals must reach the loop's signalfd, not a gRPC thread: block them
  // before Connect() starts gRPC's threads (they inherit the mask).
  puffs::BlockTerminationSignals();
  remote::RemoteVolume::ConnectError error;
  auto volume = remote::RemoteVolume::Connect(settings.remote, &error);
  if (!volume) return report.Fail(kProgram, error.message);
  puffs::Ops ops;
  puffs::Usermount um(ops);
  client::RemoteFs fs(std::move(volume), um.loop(), settings.fs);
  ops = fs.BuildOps();
  um.SetMountOptions(settings.fuse_options);
  um.SetDebug(debug);
  um.SetPollWindow(std::chrono::microseconds(settings.poll_us >= 0 ? settings.poll_us : cl.poll_us));
  std::string why;
  // Sequential reads in 1 MiB requests (the largest the channel carries),
  // two in flight: a 2 MiB read-ahead window read a cold 1 GiB file at
  // 684-723 MB/s with dd against 583-620 with 1 MiB (4 MiB: no better;
  // fio, which asks for sequential read-ahead and so doubles it, read
  // 651-705 against 679-731). The kernel sets read-ahead when it processes
  // our INIT reply, which libfuse sends after ops.init returns: raise it on
  // the next loop turn.
  ops.init = [&um, mountpoint] {
    um.loop().AddTimer(puffs::EventLoop::Clock::now(),
                       [mountpoint] { client::RaiseReadahead(mountpoint, 2048); });
  };
  if (um.Mount(mountpoint, {}, &why) != 0) return report.Fail(kProgram, why);
  spdlog::debug("event=mounted source={}/{} mountpoint={}", settings.remote.target,
               settings.remote.volume, mountpoint);
  // Other sessions' changes, pushed by the server: long kernel timeouts.
  fs.StartWatch([&um] { return um.notifier(); });
  report.ReportMounted();
  int rc = um.Run();
  // Unmounted: what the last moments held (releases, unlinks) still goes.
  fs.SendHeldAtExit(std::chrono::seconds(10));
  return rc == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  // 1 MiB request and reply buffers come and go all the time: keep them on
  // the heap instead of a fresh mmap (and page faults) each time.
  mallopt(M_MMAP_THRESHOLD, 64 << 20);
  mallopt(M_TRIM_THRESHOLD, 256 << 20);
  CommandLine cl;
  if (int rc = ParseCommandLine(argc, argv, &cl); rc >= 0) return rc;
  remote::Target target;
  client::MountSettings settings;
  std::string mountpoint, why;
  if (!remote::ParseTarget(cl.source, &target, &why) ||
      !client::ParseMountOptions(target, cl.options, &settings, &why) ||
      !ResolveMountpoint(cl.mountpoint, &mountpoint, &why)) {
    fprintf(stderr, "%s: %s\n", kProgram, why.c_str());
    return 1;
  }
  // A mount command is quiet on success; -d shows everything.
  spdlog::set_level(cl.debug ? spdlog::level::debug : spdlog::level::warn);
  // Debian's abseil keeps absl::Mutex deadlock detection on (no NDEBUG):
  // every gRPC lock would update a cycle graph. A global setting, no threads.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  puffs::DaemonReport report;
  if (!cl.foreground) {
    bool failed = false;
    report = puffs::Daemonize(kProgram, &failed);
    if (failed) return 1;
  }
  try {
    return MountAndRun(settings, mountpoint, cl, report);
  } catch (const std::system_error& e) {
    // The loop's own fds (epoll, eventfd, timerfd, signalfd) could not be
    // made: out of file descriptors or memory.
    return report.Fail(kProgram, e.what());
  }
}
