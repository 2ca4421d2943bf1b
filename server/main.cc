// rpuffsd: parse the command line, then hand over to RunDaemon().
#include <absl/synchronization/mutex.h>
#include <malloc.h>

#include "server/daemon.h"
#include "server/options.h"

int main(int argc, char** argv) {
  rpuffs::server::ServerOptions options;
  if (auto code = rpuffs::server::ParseOptions(argc, argv, &options)) return *code;
  // Debian's abseil keeps absl::Mutex deadlock detection on (built without
  // NDEBUG); every gRPC lock then updates a cycle graph, 3-6 % of the
  // server's CPU in the load tool's profiles. Production does not need it.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  // Freed buffers stay mapped for the next request (up to 256 MiB per malloc
  // arena): each 1 MiB write passes through fresh gRPC, protobuf and
  // WriteBatch buffers, and with glibc's defaults (large blocks mmap'd,
  // heaps trimmed at 128 KiB) rpuffsd took 102-150 page faults per MiB
  // written; 69-81 with these, and 6-28 % less CPU per GiB written
  // (bench/server/data_path.md, section 6). Before any thread starts.
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
  mallopt(M_TRIM_THRESHOLD, 256 << 20);
  return rpuffs::server::RunDaemon(options);
}
