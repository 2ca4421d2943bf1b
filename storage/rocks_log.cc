#include "storage/rocks_log.h"

#include <unistd.h>

#include <algorithm>
#include <cstdarg>
#include <cstdio>
#include <string>
#include <utility>

#include <rocksdb/env.h>

namespace rpuffs::storage {
namespace {

class ForwardingLogger : public rocksdb::Logger {
 public:
  explicit ForwardingLogger(RocksLogSink sink)
      : rocksdb::Logger(rocksdb::InfoLogLevel::WARN_LEVEL), sink_(std::move(sink)) {}

  // RocksDB's level-less entry points carry info lines and headers (the
  // options dump): dropped, like every level below WARN.
  void Logv(const char*, va_list) override {}
  void LogHeader(const char*, va_list) override {}

  void Logv(const rocksdb::InfoLogLevel level, const char* format, va_list ap) override {
    if (level < GetInfoLogLevel() || level == rocksdb::InfoLogLevel::HEADER_LEVEL) return;
    Emit(level >= rocksdb::InfoLogLevel::ERROR_LEVEL, format, ap);
  }

 private:
  void Emit(bool error, const char* format, va_list ap) {
    char buf[1024];
    va_list copy;
    va_copy(copy, ap);
    int n = vsnprintf(buf, sizeof buf, format, copy);
    va_end(copy);
    if (n < 0) return;
    std::string_view line(buf, std::min<size_t>(static_cast<size_t>(n), sizeof buf - 1));
    while (!line.empty() && line.back() == '\n') line.remove_suffix(1);
    if (sink_) {
      sink_(error, line);
      return;
    }
    std::string out = "rocksdb: " + std::string(line) + "\n";
    ssize_t ignored = write(STDERR_FILENO, out.data(), out.size());
    (void)ignored;
  }

  RocksLogSink sink_;
};

}  // namespace

std::shared_ptr<rocksdb::Logger> NewRocksLogger(RocksLogSink sink) {
  return std::make_shared<ForwardingLogger>(std::move(sink));
}

}  // namespace rpuffs::storage
