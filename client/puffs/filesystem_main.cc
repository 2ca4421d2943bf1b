#include "client/puffs/filesystem_main.h"

#include <sys/stat.h>

#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <system_error>
#include <vector>

#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include "client/puffs/daemon.h"

namespace rpuffs::puffs {
namespace {

struct CommandLine {
  std::string mountpoint;
  bool foreground = false;
  bool debug = false;
  unsigned poll_us = kDefaultPollWindow.count();
  std::vector<std::string> options;
};

// 0 and a filled `cl` to go on; otherwise the exit code (0 for --help).
int Parse(int argc, char** argv, const MainInfo& info, CommandLine* cl, bool* done) {
  CLI::App app(info.description, info.name);
  app.add_option("mountpoint", cl->mountpoint, "where to mount")->required();
  app.add_flag("-f,--foreground", cl->foreground, "stay in the foreground");
  app.add_flag("-d,--debug", cl->debug, "trace every request (implies nothing else)");
  app.add_option("-o", cl->options, "mount options, comma-separated")->allow_extra_args(false);
  app.add_option("--poll-us", cl->poll_us,
                 "busy-poll for requests up to USEC microseconds before sleeping (adaptive; "
                 "0 = never)")
      ->check(CLI::Range(0u, 10000u))
      ->capture_default_str();
  app.set_version_flag("--version", info.name + " " + info.version);
  *done = false;
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    *done = true;
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    *done = true;
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    *done = true;
    fprintf(stderr, "%s: %s (try --help)\n", info.name.c_str(), e.what());
    return 2;
  }
  return 0;
}

// The mount point as an absolute path (the daemon changes to "/"), or a reason.
bool CheckMountpoint(const std::string& path, std::string* absolute, std::string* reason) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0) {
    *reason = "mount point " + path + ": " + strerror(errno);
    return false;
  }
  if (!S_ISDIR(st.st_mode)) {
    *reason = "mount point " + path + " is not a directory";
    return false;
  }
  char resolved[PATH_MAX];
  if (realpath(path.c_str(), resolved) == nullptr) {
    *reason = "mount point " + path + ": " + strerror(errno);
    return false;
  }
  *absolute = resolved;
  return true;
}

int MountAndRun(const Ops& ops, const MainInfo& info, const CommandLine& cl, const std::string& mountpoint,
                DaemonReport& report) {
  std::string reason;
  Usermount um(ops);
  std::vector<std::string> options = info.default_options;
  options.insert(options.end(), cl.options.begin(), cl.options.end());
  um.SetMountOptions(options);
  um.SetDebug(cl.debug);
  um.SetPollWindow(std::chrono::microseconds(cl.poll_us));
  if (info.before_mount) info.before_mount(um);
  if (um.Mount(mountpoint, {}, &reason) != 0) return report.Fail(info.name, reason);
  report.ReportMounted();
  return um.Run() == 0 ? 0 : 1;
}

}  // namespace

int RunFilesystemMain(int argc, char** argv, const Ops& ops, const MainInfo& info) {
  CommandLine cl;
  bool done = false;
  int rc = Parse(argc, argv, info, &cl, &done);
  if (done) return rc;
  std::string mountpoint, reason;
  if (!CheckMountpoint(cl.mountpoint, &mountpoint, &reason)) {
    fprintf(stderr, "%s: %s\n", info.name.c_str(), reason.c_str());
    return 1;
  }
  if (cl.debug) spdlog::set_level(spdlog::level::debug);
  DaemonReport report;
  if (!cl.foreground) {
    bool failed = false;
    report = Daemonize(info.name, &failed);
    if (failed) return 1;
  }
  try {
    return MountAndRun(ops, info, cl, mountpoint, report);
  } catch (const std::system_error& e) {
    // The loop's own fds (epoll, eventfd, timerfd, signalfd) could not be
    // made: out of file descriptors or memory.
    return report.Fail(info.name, e.what());
  }
}

}  // namespace rpuffs::puffs
