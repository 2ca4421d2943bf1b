// server/signals — SIGTERM/SIGINT as an event instead of a handler.
//
// BlockStopSignals() must run in main() before any thread exists (gRPC and
// RocksDB start threads; they inherit the mask), so no thread ever takes the
// default action (exit 143). WaitForStopSignal() then blocks the calling
// thread until one of them arrives and returns its number.
#pragma once

namespace rpuffs::server {

void BlockStopSignals();
int WaitForStopSignal();

}  // namespace rpuffs::server
