// client/load — verifiable file content without storing it.
//
// Every byte of a file is a pure function of (seed, file id, offset), so a
// reader can check what it read knowing only where it read it. A writer
// may rewrite any range at any time and the content stays checkable. Pure
// functions, thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace rpuffs::load {

// A file id unique within a run: a namespace per workload use, the client
// (or pair) and an index.
uint64_t FileId(uint32_t space, uint32_t owner, uint64_t index);

// The `size` bytes of file `file` starting at `offset`.
std::string Pattern(uint64_t seed, uint64_t file, uint64_t offset, size_t size);
void FillPattern(uint64_t seed, uint64_t file, uint64_t offset, char* out, size_t size);

// Offset (relative to `data`) of the first byte that is not the pattern,
// or -1 when all of `data` matches.
int64_t FirstMismatch(uint64_t seed, uint64_t file, uint64_t offset, const std::string& data);

}  // namespace rpuffs::load

namespace rpuffs::load {
// A well-mixed 64-bit hash of two values (for deterministic random choices).
uint64_t Hash64(uint64_t a, uint64_t b);
}  // namespace rpuffs::load
