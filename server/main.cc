// rpuffsd: parse the command line, then hand over to RunDaemon().
#include <absl/synchronization/mutex.h>

#include "server/daemon.h"
#include "server/options.h"

int main(int argc, char** argv) {
  rpuffs::server::ServerOptions options;
  if (auto code = rpuffs::server::ParseOptions(argc, argv, &options)) return *code;
  // Debian's abseil keeps absl::Mutex deadlock detection on (built without
  // NDEBUG); every gRPC lock then updates a cycle graph, 3-6 % of the
  // server's CPU in the load tool's profiles. Production does not need it.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  return rpuffs::server::RunDaemon(options);
}
