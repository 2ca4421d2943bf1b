// server/daemon — rpuffsd's life: start-up, serving, and the clean stop.
//
// RunDaemon() blocks SIGTERM/SIGINT before any thread starts, opens the store
// (creating the data dir and the --volume volumes), restores recorded
// sessions, binds the gRPC server (SO_REUSEPORT off), logs one start line and
// waits for a stop signal. Then: end every Watch stream (status OK) and
// refuse new calls (UNAVAILABLE); give the calls in flight and the watchers'
// last writes up to 3 s -> gRPC Shutdown (cancels the rest, drops idle
// connections) -> destroy the server -> drain the worker pool -> stop the
// session reaper -> close the store -> log one stop line -> return 0.
// Any start-up failure prints one line "rpuffsd: <reason>" on stderr and
// returns 1. Call once, from main(), with no other thread running.
#pragma once

#include "server/options.h"

namespace rpuffs::server {

int RunDaemon(const ServerOptions& options);

}  // namespace rpuffs::server
