#include "tests/support/rpuffsd_process.h"

#include <signal.h>
#include <unistd.h>

#include <stdexcept>

namespace rpuffs::testing {

RpuffsdProcess::RpuffsdProcess(std::vector<std::string> extra_args)
    : data_("rpuffsd-data"), port_(FreeLoopbackPort()),
      address_("127.0.0.1:" + std::to_string(port_)), extra_args_(std::move(extra_args)) {
  Start();
}

void RpuffsdProcess::Start() {
  // The port is only known free when FreeLoopbackPort() looked: another
  // process (a parallel test) may bind it before rpuffsd does. So wait for
  // rpuffsd's own start line, not just for something accepting on the port,
  // and on the first start move to another port if rpuffsd could not listen.
  for (int attempt = 0;; ++attempt) {
    std::vector<std::string> argv = {BinaryPath("server/rpuffsd"), "--data", data_.path(), "--listen",
                                     address_};
    argv.insert(argv.end(), extra_args_.begin(), extra_args_.end());
    process_ = std::make_unique<Subprocess>(argv);
    bool up = WaitUntil(
        [&] {
          return !process_->running() ||
                 (process_->Output().find("event=start") != std::string::npos && LoopbackPortAccepts(port_));
        },
        std::chrono::seconds(20));
    if (up && process_->running()) {
      started_once_ = true;
      return;
    }
    const std::string output = process_->Output();
    if (started_once_ || attempt >= 4 || output.find("cannot listen") == std::string::npos) {
      throw std::runtime_error("rpuffsd did not start: " + output);
    }
    port_ = FreeLoopbackPort();
    address_ = "127.0.0.1:" + std::to_string(port_);
  }
}

void RpuffsdProcess::Kill9() {
  if (!process_) return;
  process_->Signal(SIGKILL);
  process_->Wait(std::chrono::seconds(10));
}

int RpuffsdProcess::Stop() {
  if (!process_) return -1;
  process_->Signal(SIGTERM);
  return process_->Wait(std::chrono::seconds(10));
}

}  // namespace rpuffs::testing
