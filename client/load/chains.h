// client/load — short chains of Fs calls that several workloads share:
// write or read-and-verify a block or a whole file, create-and-close, close.
// Every call is timed under the label given. Each chain ends by calling its
// `done` exactly once, from whatever thread the last completion ran on; a
// failed call ends the chain early with ok = false (the errno is already in
// the statistics). Reads verify the pattern (pattern.h) and count a short or
// wrong read as a mismatch.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "client/load/client.h"

namespace rpuffs::load {

using Finish = std::function<void(bool ok)>;

constexpr uint64_t kMiB = 1 << 20;
constexpr uint64_t kBlock = 4096;

// Pattern bytes [offset, offset + len) of `file` in one write. The first
// write of a run with --inject-corruption flips its first byte.
void WriteBlock(Client& c, const Handle& h, uint64_t file, uint64_t offset, uint64_t len,
                const char* label, Finish done);
void ReadBlock(Client& c, const Handle& h, uint64_t file, uint64_t offset, uint64_t len,
               const char* label, Finish done);

// [0, size) in `io`-sized calls, one after the other.
void WriteFile(Client& c, const Handle& h, uint64_t file, uint64_t size, uint64_t io,
               const char* label, Finish done);
void ReadFile(Client& c, const Handle& h, uint64_t file, uint64_t size, uint64_t io,
              const char* label, Finish done);

// Closes `h` (timed) and then calls `done`, whatever the outcome.
void CloseThen(Client& c, const Handle& h, const char* label, TaskDone done);

// Creates dir/name, writes `size` pattern bytes of `file` (io-sized calls;
// nothing when size is 0), closes it. `made` gets the new node.
void CreateFile(Client& c, const Node& dir, const std::string& name, uint64_t file, uint64_t size,
                const char* const labels[3], std::function<void(bool ok, Node made)> done);

// Looks up dir/name, opens it read-only, reads and verifies `size` bytes of
// `file`, closes it. labels: lookup, open, read, close.
void CheckFile(Client& c, const Node& dir, const std::string& name, uint64_t file, uint64_t size,
               const char* const labels[4], TaskDone done);

std::string Numbered(const char* prefix, uint64_t n);  // "f17"

}  // namespace rpuffs::load
