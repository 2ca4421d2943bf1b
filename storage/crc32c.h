// storage/crc32c.h — CRC32c (Castagnoli) with the SSE4.2 crc32 instruction,
// for binaries that link RocksDB statically (rpuffsd): rocksdb_crc32c.cc
// defines the three functions of RocksDB 7.8's util/crc32c.cc
// (rocksdb::crc32c::Extend, Crc32cCombine, IsFastCrc32Supported) with these.
//
// Why: Debian's librocksdb is built portable, so its crc32c.cc only has the
// table-driven Slow_CRC32. Every byte written goes through it twice (the WAL
// record, then the blob record at flush): about a third of rpuffsd's CPU on
// sequential writes (bench/server/data_path.md). No RocksDB option skips
// either pass.
//
// How it is fenced: rocksdb_crc32c.cc is linked as an object into rpuffsd
// (and into the test writer that checks it), never into rpuffs_storage
// (which holds only this namespaced code). An object defining
// every symbol of librocksdb.a's crc32c.cc.o means the linker never pulls
// that member, so nothing is defined twice; if RocksDB ever grows another
// symbol there, the link fails with "multiple definition" instead of mixing
// the two. Binaries on the shared librocksdb (tests, tools) keep RocksDB's
// own code, and tests/storage/crc32c_test.cc checks that what one computes
// the other accepts (same values, and RocksDB files written by a binary with
// this file verify with stock RocksDB).
//
// The values are the standard CRC32c (Castagnoli), identical to RocksDB's on
// every input; CPUs without SSE4.2 get a portable byte-wise table. All
// functions are thread-safe and never block.
#pragma once

#include <cstddef>
#include <cstdint>

namespace rpuffs::storage::crc32c {

// RocksDB's Extend contract: the CRC32c of (the data `crc` is the CRC of)
// followed by data[0, n). Extend(0, d, n) is the CRC32c of d.
uint32_t Extend(uint32_t crc, const char* data, size_t n);
// The same with the byte-wise table only (the fallback; for tests).
uint32_t ExtendPortable(uint32_t crc, const char* data, size_t n);
// The CRC32c of A followed by B, given crc_a, crc_b and B's length.
uint32_t Combine(uint32_t crc_a, uint32_t crc_b, size_t len_b);
// Does this CPU have the crc32 instruction (what Extend uses)?
bool HasHardwareCrc();

}  // namespace rpuffs::storage::crc32c
