// client/puffs — the few places the framework reads the FUSE wire format
// itself (everything else is libfuse's): the request header, the INIT
// reply patch that turns on PARALLEL_DIROPS (libfuse 3.14 drops it) and, on
// request, HANDLE_KILLPRIV_V2 (libfuse 3.14 cannot), and the kill-suid/sgid
// flags of WRITE, SETATTR, OPEN and CREATE that libfuse 3.14 does not pass on.
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
// The same, and also ORs `extra_flags` (fuse_init_out.flags bits) in.
bool PatchInitReply(struct iovec* iov, int count, uint64_t init_unique, uint32_t extra_flags);

// FUSE_HANDLE_KILLPRIV_V2 (<linux/fuse.h>, protocol 7.33).
constexpr uint32_t kHandleKillprivV2 = 1u << 28;
// The flags the kernel offered in the INIT request in `buf`; 0 if too short.
uint32_t ReadInitFlags(const void* buf, size_t size);
// True if the request in `buf` asks the filesystem to clear suid/sgid:
// WRITE with FUSE_WRITE_KILL_SUIDGID, SETATTR with FATTR_KILL_SUIDGID, OPEN
// or CREATE with FUSE_OPEN_KILL_SUIDGID (sent only under KILLPRIV_V2).
bool KillSuidgid(const void* buf, size_t size);

}  // namespace rpuffs::puffs::wire
