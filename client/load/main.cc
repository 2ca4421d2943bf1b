// rpuffs-load: load tests over many clients (issue 5). See driver.h for the
// run and flags.h for the command line.
#include <absl/synchronization/mutex.h>
#include <spdlog/spdlog.h>

#include "client/load/driver.h"
#include "client/load/flags.h"

int main(int argc, char** argv) {
  rpuffs::load::LoadOptions options;
  if (auto code = rpuffs::load::ParseFlags(argc, argv, &options)) return *code;
  // The client library logs every session at info; a run opens hundreds.
  spdlog::set_level(spdlog::level::warn);
  // Debian's abseil is built without NDEBUG, so every absl::Mutex (all of
  // gRPC's locks) maintains a deadlock-detection graph: GraphCycles showed up
  // in both processes' profiles. The tool does not need it.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  return rpuffs::load::RunLoad(options);
}
