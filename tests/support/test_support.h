// tests/support — what integration tests share: temp dirs, free loopback
// ports, child processes that are always reaped, waiting on a condition with
// a deadline, and mount inspection/cleanup.
//
// Every object cleans up in its destructor, so a failing test (an ASSERT that
// returns early) leaves no process, mount or directory behind.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <string>
#include <vector>

namespace rpuffs::testing {

// A fresh directory under $TMPDIR (or /tmp); removed recursively on destruction.
class TempDir {
 public:
  explicit TempDir(const std::string& prefix = "rpuffs-test");
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string Sub(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// A TCP port on 127.0.0.1 that was free a moment ago (bind to port 0, read, close).
int FreeLoopbackPort();

// Does something accept TCP connections on 127.0.0.1:port right now?
bool LoopbackPortAccepts(int port);

// Path of a binary built by this tree, from the directory of the running
// test executable's build tree: BinaryPath("server/rpuffsd").
std::string BinaryPath(const std::string& relative_to_build_dir);

// A child process. The destructor sends SIGTERM, waits up to 5 s, then SIGKILLs
// and reaps, unless the child was already waited for.
class Subprocess {
 public:
  // argv[0] is the program path. stdout/stderr are captured to a temp file
  // (Output()) unless inherit_output.
  explicit Subprocess(std::vector<std::string> argv, bool inherit_output = false);
  ~Subprocess();
  Subprocess(const Subprocess&) = delete;
  Subprocess& operator=(const Subprocess&) = delete;

  pid_t pid() const { return pid_; }
  bool running();  // reaps if it exited
  // Sends `sig` (no-op once reaped).
  void Signal(int sig);
  // Waits up to `timeout` for exit; returns the wait status, or -1 on timeout.
  int Wait(std::chrono::milliseconds timeout = std::chrono::seconds(10));
  // Everything the child wrote to stdout and stderr so far.
  std::string Output() const;

 private:
  pid_t pid_ = -1;
  bool reaped_ = false;
  int status_ = 0;
  std::string output_path_;
};

// Runs argv to completion (up to `timeout`), returns exit status (or -1 on
// signal/timeout) and fills `output` with stdout+stderr if given.
int RunCommand(const std::vector<std::string>& argv, std::string* output = nullptr,
               std::chrono::milliseconds timeout = std::chrono::seconds(30));

// Polls `pred` every few ms until it is true or `timeout` passes.
bool WaitUntil(const std::function<bool()>& pred,
               std::chrono::milliseconds timeout = std::chrono::seconds(10));

// Is `path` a mount point of a FUSE filesystem (per /proc/self/mountinfo)?
bool IsFuseMounted(const std::string& path);
// Best-effort: lazily unmounts `path` if it is mounted (fusermount3 -u -z, then umount -l).
void ForceUnmount(const std::string& path);

// Unmounts `path` on destruction if still mounted.
class MountGuard {
 public:
  explicit MountGuard(std::string path) : path_(std::move(path)) {}
  ~MountGuard() { ForceUnmount(path_); }
  MountGuard(const MountGuard&) = delete;
  MountGuard& operator=(const MountGuard&) = delete;

 private:
  std::string path_;
};

}  // namespace rpuffs::testing
