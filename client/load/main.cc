// rpuffs-load: load tests over many clients (issue 5). See driver.h for the
// run and flags.h for the command line.
#include <spdlog/spdlog.h>

#include "client/load/driver.h"
#include "client/load/flags.h"

int main(int argc, char** argv) {
  rpuffs::load::LoadOptions options;
  if (auto code = rpuffs::load::ParseFlags(argc, argv, &options)) return *code;
  // The client library logs every session at info; a run opens hundreds.
  spdlog::set_level(spdlog::level::warn);
  return rpuffs::load::RunLoad(options);
}
