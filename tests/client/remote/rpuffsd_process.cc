#include "tests/client/remote/rpuffsd_process.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <stdexcept>

namespace rpuffs::testing {

bool PortAccepts(int port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(port);
  bool ok = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  close(fd);
  return ok;
}

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
  bool up = WaitUntil([&] { return PortAccepts(port_) || !process_->running(); },
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
