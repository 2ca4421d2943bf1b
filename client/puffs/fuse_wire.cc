#include "client/puffs/fuse_wire.h"

#include <linux/fuse.h>

#include <cstring>

namespace rpuffs::puffs::wire {

Header ReadHeader(const void* buf, size_t size) {
  Header h;
  if (size < sizeof(fuse_in_header)) return h;
  fuse_in_header in;
  memcpy(&in, buf, sizeof in);
  h.opcode = in.opcode;
  h.unique = in.unique;
  return h;
}

bool IsInit(uint32_t opcode) { return opcode == FUSE_INIT; }

bool IsInline(uint32_t opcode) {
  switch (opcode) {
    case FUSE_FORGET:
    case FUSE_BATCH_FORGET:
    case FUSE_INTERRUPT:
    case FUSE_INIT:
    case FUSE_DESTROY:
      return true;
    default:
      return false;
  }
}

bool PatchInitReply(struct iovec* iov, int count, uint64_t init_unique) {
  if (count < 2 || iov[0].iov_len < sizeof(fuse_out_header)) return false;
  auto* out = static_cast<fuse_out_header*>(iov[0].iov_base);
  if (out->unique != init_unique || out->error != 0) return false;
  // Every protocol minor has `flags` at the same offset of fuse_init_out.
  if (iov[1].iov_len < offsetof(fuse_init_out, flags) + sizeof(uint32_t)) return false;
  auto* init = static_cast<fuse_init_out*>(iov[1].iov_base);
  init->flags |= FUSE_PARALLEL_DIROPS;
  return true;
}

}  // namespace rpuffs::puffs::wire
