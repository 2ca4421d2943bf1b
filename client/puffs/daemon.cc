#include "client/puffs/daemon.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "client/puffs/event_loop.h"

namespace rpuffs::puffs {
namespace {

constexpr char kMounted[] = "mounted";

// The parent's side: read the child's one message, exit accordingly.
[[noreturn]] void WaitForChild(int fd, pid_t child, const std::string& program) {
  std::string message;
  char buf[512];
  for (;;) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n > 0) {
      message.append(buf, static_cast<size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    break;
  }
  if (message == kMounted) _exit(0);
  if (message.empty()) {
    int status = 0;
    waitpid(child, &status, WNOHANG);
    message = "the daemon exited before mounting";
  }
  fprintf(stderr, "%s: %s\n", program.c_str(), message.c_str());
  fflush(stderr);
  _exit(1);
}

void RedirectStdio() {
  int null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
  if (null_fd < 0) return;
  for (int fd = 0; fd <= 2; ++fd) dup2(null_fd, fd);
  if (null_fd > 2) close(null_fd);
}

}  // namespace

DaemonReport& DaemonReport::operator=(DaemonReport&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) close(fd_);
    fd_ = other.fd_;
    other.fd_ = -1;
  }
  return *this;
}

DaemonReport::~DaemonReport() {
  if (fd_ >= 0) close(fd_);
}

void DaemonReport::Send(const std::string& message) {
  if (fd_ < 0) return;
  size_t off = 0;
  while (off < message.size()) {
    ssize_t n = write(fd_, message.data() + off, message.size() - off);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    off += static_cast<size_t>(n);
  }
  close(fd_);
  fd_ = -1;
}

void DaemonReport::ReportMounted() {
  if (fd_ < 0) return;
  Send(kMounted);
  RedirectStdio();
  if (chdir("/") != 0) {
    // Nothing to report to any more; the mount works regardless.
  }
}

void DaemonReport::ReportFailure(const std::string& reason) {
  Send(reason.empty() ? std::string("mount failed") : reason);
}

int DaemonReport::Fail(const std::string& program, const std::string& reason) {
  if (is_daemon()) {
    ReportFailure(reason);
  } else {
    fprintf(stderr, "%s: %s\n", program.c_str(), reason.c_str());
  }
  return 1;
}

DaemonReport Daemonize(const std::string& program, bool* failed) {
  *failed = false;
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) {
    fprintf(stderr, "%s: pipe: %s\n", program.c_str(), strerror(errno));
    *failed = true;
    return DaemonReport();
  }
  fflush(nullptr);
  pid_t pid = fork();
  if (pid < 0) {
    fprintf(stderr, "%s: fork: %s\n", program.c_str(), strerror(errno));
    close(fds[0]);
    close(fds[1]);
    *failed = true;
    return DaemonReport();
  }
  if (pid > 0) {
    close(fds[1]);
    WaitForChild(fds[0], pid, program);
  }
  close(fds[0]);
  setsid();
  BlockTerminationSignals();  // before the caller creates any thread
  return DaemonReport(fds[1]);
}

}  // namespace rpuffs::puffs
