// tests/support — a real rpuffsd for integration tests: its own data dir and
// a free loopback port (another one if that was taken meanwhile), started on
// construction and waited for until it logs its start (info level, the
// default) and accepts; Kill9()/Restart() for fault tests (same port, same
// data). The destructor stops it (SIGTERM, then SIGKILL) and removes the dir.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "tests/support/test_support.h"

namespace rpuffs::testing {

class RpuffsdProcess {
 public:
  explicit RpuffsdProcess(std::vector<std::string> extra_args = {});
  const std::string& address() const { return address_; }  // "127.0.0.1:PORT"
  int port() const { return port_; }
  const std::string& data_dir() const { return data_.path(); }
  bool running() { return process_ && process_->running(); }
  std::string Output() const { return process_ ? process_->Output() : ""; }
  // REQUIRES: started (the constructor throws when rpuffsd does not start).
  Subprocess& process() { return *process_; }

  void Kill9();     // SIGKILL and reap
  void Start();     // (re)start on the same port and data dir; waits until it listens
  int Stop();       // SIGTERM; returns the wait status
  void Signal(int sig) { if (process_) process_->Signal(sig); }

 private:
  TempDir data_;
  int port_;
  std::string address_;
  std::vector<std::string> extra_args_;
  std::unique_ptr<Subprocess> process_;
  bool started_once_ = false;  // later starts keep the port (clients know it)
};

}  // namespace rpuffs::testing
