// client/puffs — daemon mode, as puffs_daemon + puffs_mount do it.
//
// Daemonize() forks. The parent never returns: it waits on a pipe until the
// child reports, then exits 0 if the child says "mounted", or prints the
// child's one-line reason and exits 1 (also if the child dies first). The
// child gets a new session (setsid), SIGTERM/SIGINT/SIGHUP blocked (see
// BlockTerminationSignals) and a DaemonReport to report with.
//
// Call Daemonize() BEFORE anything creates threads (gRPC, the notifier,
// spdlog's async sinks): fork() copies only the calling thread.
#pragma once

#include <string>

namespace rpuffs::puffs {

class DaemonReport {
 public:
  DaemonReport() = default;  // foreground: reports go nowhere
  explicit DaemonReport(int fd) : fd_(fd) {}
  DaemonReport(DaemonReport&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  DaemonReport& operator=(DaemonReport&& other) noexcept;
  ~DaemonReport();  // an unreported child makes the parent exit 1

  bool is_daemon() const { return fd_ >= 0; }
  // The mount is live: the parent exits 0. Then stdin/stdout/stderr go to
  // /dev/null and the working directory to "/".
  void ReportMounted();
  // Mounting failed: the parent prints `reason` and exits 1.
  void ReportFailure(const std::string& reason);
  // A failure, wherever its reason must go: ReportFailure in daemon mode,
  // else "program: reason" on stderr. Returns 1, the exit code.
  int Fail(const std::string& program, const std::string& reason);

 private:
  void Send(const std::string& message);
  int fd_ = -1;
};

// In the child: returns its DaemonReport. In the parent: exits (see above);
// `program` prefixes the parent's error line. If fork fails, prints why and
// returns a foreground DaemonReport with *failed set.
DaemonReport Daemonize(const std::string& program, bool* failed);

}  // namespace rpuffs::puffs
