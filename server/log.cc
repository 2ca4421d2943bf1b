#include "server/log.h"

#include <grpc/support/log.h>
#include <spdlog/sinks/stdout_sinks.h>

namespace rpuffs::server {
namespace {

void GrpcLogToSpdlog(gpr_log_func_args* args) {
  spdlog::debug("event=grpc-log file={}:{} msg=\"{}\"", args->file ? args->file : "?", args->line,
                args->message ? args->message : "");
}

}  // namespace

void InitLogging(const std::string& level) {
  auto logger = spdlog::stderr_logger_mt("rpuffsd");
  logger->set_pattern("%Y-%m-%dT%H:%M:%S.%e %l %v");
  spdlog::set_default_logger(logger);
  spdlog::level::level_enum lvl = spdlog::level::info;
  if (level == "error") lvl = spdlog::level::err;
  if (level == "warn") lvl = spdlog::level::warn;
  if (level == "debug") lvl = spdlog::level::debug;
  spdlog::set_level(lvl);
  spdlog::flush_on(spdlog::level::info);
  gpr_set_log_verbosity(level == "debug" ? GPR_LOG_SEVERITY_DEBUG : GPR_LOG_SEVERITY_ERROR);
  gpr_set_log_function(GrpcLogToSpdlog);
}

}  // namespace rpuffs::server
