// client/load — runs one load from parsed options to exit code.
//
// RunLoad() checks the workload, connects every client (one RemoteVolume
// session each, or one PosixFs per mount), makes the run's top directory,
// runs the workload's phases with a barrier between them and the deadline
// (Run::stop), removes the top directory, prints the table (stdout), writes
// --json, and returns 0 when nothing failed, 1 on any error, mismatch or
// stale read (or when the server is unreachable), 2 for bad options.
//
// Threads: against a server the calling thread drives every client (tasks
// run from gRPC completions); with --mounts one thread per client runs
// each phase (syscalls block). A progress line goes to stderr when it is a
// terminal.
#pragma once

#include "client/load/flags.h"

namespace rpuffs::load {

int RunLoad(const LoadOptions& options);

}  // namespace rpuffs::load
