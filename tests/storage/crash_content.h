// tests/storage — the file content crash_writer writes and crash_test checks.
#pragma once

#include <cstdint>
#include <string>

namespace rpuffs::storage::testing {

// Between 1 and ~70 KiB, so some files span two blocks.
inline std::string CrashContent(uint64_t i) {
  std::string s((i * 7919) % 70000 + 1, '\0');
  for (size_t k = 0; k < s.size(); ++k) s[k] = static_cast<char>('a' + (i + k) % 26);
  return s;
}

}  // namespace rpuffs::storage::testing
