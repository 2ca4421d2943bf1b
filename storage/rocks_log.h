// storage/rocks_log — where RocksDB's own log lines go: a sink the caller
// gives (rpuffsd: its log), else stderr. Never a file: RocksDB's default
// writes a LOG file into the volume directory, and on a full disk a failed
// append there left the file's writer in an error state that Debian's
// librocksdb (built with assertions) aborts on at its next log line, taking
// the whole server down (seen: SstFileManager's recovery thread logging).
//
// Only warnings and worse are passed on; RocksDB's info lines (flush and
// compaction reports, option dumps) are dropped.
#pragma once

#include <functional>
#include <memory>
#include <string_view>

namespace rocksdb {
class Logger;
}

namespace rpuffs::storage {

// `error` is true for RocksDB's ERROR and FATAL levels, false for WARN.
// `line` has no trailing newline. Called from RocksDB's threads: must be
// thread-safe.
using RocksLogSink = std::function<void(bool error, std::string_view line)>;

// A logger for DBOptions::info_log.
std::shared_ptr<rocksdb::Logger> NewRocksLogger(RocksLogSink sink);

}  // namespace rpuffs::storage
