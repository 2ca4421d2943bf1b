// client/puffs — the few places the framework reads the FUSE wire format
// itself (everything else is libfuse's): the request header, and the INIT
// reply patch that turns on PARALLEL_DIROPS (libfuse 3.14 drops it).
// Kept apart because <linux/fuse.h> and libfuse's headers overlap.
#pragma once

#include <sys/uio.h>

#include <cstddef>
#include <cstdint>

namespace rpuffs::puffs::wire {

struct Header {
  uint32_t opcode = 0;
  uint64_t unique = 0;
};

// Header of the request in `buf` (`size` bytes); zeros if too short.
Header ReadHeader(const void* buf, size_t size);
bool IsInit(uint32_t opcode);
// Requests handled inline on the loop (no continuation, nothing to copy):
// FORGET, BATCH_FORGET, INTERRUPT, INIT, DESTROY.
bool IsInline(uint32_t opcode);
// If iov[] is the successful reply to request `init_unique` and carries a
// fuse_init_out, ORs FUSE_PARALLEL_DIROPS into its flags and returns true.
bool PatchInitReply(struct iovec* iov, int count, uint64_t init_unique);

}  // namespace rpuffs::puffs::wire
