// rpuffsd: parse the command line, then hand over to RunDaemon().
#include "server/daemon.h"
#include "server/options.h"

int main(int argc, char** argv) {
  rpuffs::server::ServerOptions options;
  if (auto code = rpuffs::server::ParseOptions(argc, argv, &options)) return *code;
  return rpuffs::server::RunDaemon(options);
}
