// tests/storage — what storage_crc32c_writer writes and crc32c_test.cc
// checks: file names, sizes and bytes, and how each file is written.
#pragma once

#include <cstdint>
#include <string>

namespace rpuffs::storage::testing {

// Files "flushed<i>" are written, then flushed to blob and table files;
// files "wal<i>" are written after and live only in the WAL when the writer
// exits without closing.
constexpr int kCrcFlushedFiles = 5;
constexpr int kCrcWalFiles = 3;

// 1-3 MiB and a tail, so whole blocks, a short last block and (with the
// patches below) merges all occur. Bytes vary with the file and position.
inline std::string CrcContent(const std::string& name, uint64_t i) {
  std::string s(((i % 3) + 1) * (1 << 20) + 4093 * (i + 1), '\0');
  uint64_t x = std::hash<std::string>{}(name) | 1;
  for (size_t k = 0; k < s.size(); ++k) {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    s[k] = static_cast<char>(x);
  }
  return s;
}

// The partial writes applied after the whole content: offset, length and
// the byte they repeat (patches of the data column family).
struct CrcPatch {
  uint64_t offset;
  uint32_t length;
  char byte;
};
constexpr CrcPatch kCrcPatches[] = {{100, 4096, 'p'}, {65536 - 10, 300, 'q'}, {200000, 1, 'r'}};

inline std::string CrcExpected(const std::string& name, uint64_t i) {
  std::string s = CrcContent(name, i);
  for (const CrcPatch& p : kCrcPatches) s.replace(p.offset, p.length, std::string(p.length, p.byte));
  return s;
}

}  // namespace rpuffs::storage::testing
