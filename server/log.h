// server/log — rpuffsd's logging: spdlog on stderr (journald picks it up
// under systemd), one event per line as key=value fields, e.g.
//   2026-11-25T12:00:00.000 info event=start listen=127.0.0.1:7420 ...
//
// InitLogging() must run once, before other threads log. After it, the
// spdlog free functions (spdlog::info, ...) are safe from any thread.
// gRPC's own log lines are routed here at debug level, so a failed start
// prints only rpuffsd's one-line reason.
#pragma once

#include <string>

#include <spdlog/spdlog.h>

namespace rpuffs::server {

// level: error|warn|info|debug (anything else means info).
void InitLogging(const std::string& level);

}  // namespace rpuffs::server
