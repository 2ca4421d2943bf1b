// rocksdb::crc32c's three functions for a binary that links librocksdb.a:
// defining all of them here keeps the linker from pulling RocksDB's own
// crc32c.cc.o (software only in Debian's build). Linked as an object into
// rpuffsd (and tests/storage's crc32c writer); storage/crc32c.h says why
// and how it is checked.
#include <cstddef>
#include <cstdint>
#include <string>

#include "storage/crc32c.h"

// RocksDB 7.8 util/crc32c.h declares these (the header is not installed).
namespace rocksdb::crc32c {

std::string IsFastCrc32Supported() {
  return rpuffs::storage::crc32c::HasHardwareCrc() ? "Supported on x86 (rpuffs SSE4.2 crc32c)"
                                                   : "Not supported on x86 (rpuffs portable crc32c)";
}

uint32_t Extend(uint32_t init_crc, const char* data, size_t n) {
  return rpuffs::storage::crc32c::Extend(init_crc, data, n);
}

uint32_t Crc32cCombine(uint32_t crc1, uint32_t crc2, size_t crc2len) {
  return rpuffs::storage::crc32c::Combine(crc1, crc2, crc2len);
}

}  // namespace rocksdb::crc32c
