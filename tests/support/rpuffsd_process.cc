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
  std::vector<std::string> argv = {BinaryPath("server/rpuffsd"), "--data", data_.path(), "--listen",
                                   address_};
  argv.insert(argv.end(), extra_args_.begin(), extra_args_.end());
  process_ = std::make_unique<Subprocess>(argv);
  bool up = WaitUntil([&] { return LoopbackPortAccepts(port_) || !process_->running(); },
                      std::chrono::seconds(20));
  if (!up || !process_->running()) {
    throw std::runtime_error("rpuffsd did not start: " + process_->Output());
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
