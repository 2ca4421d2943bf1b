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
  return PatchInitReply(iov, count, init_unique, 0);
}

bool PatchInitReply(struct iovec* iov, int count, uint64_t init_unique, uint32_t extra_flags) {
  if (count < 2 || iov[0].iov_len < sizeof(fuse_out_header)) return false;
  auto* out = static_cast<fuse_out_header*>(iov[0].iov_base);
  if (out->unique != init_unique || out->error != 0) return false;
  // Every protocol minor has `flags` at the same offset of fuse_init_out.
  if (iov[1].iov_len < offsetof(fuse_init_out, flags) + sizeof(uint32_t)) return false;
  auto* init = static_cast<fuse_init_out*>(iov[1].iov_base);
  init->flags |= FUSE_PARALLEL_DIROPS | extra_flags;
  return true;
}

namespace {

// The op-specific struct that follows the header, if the request is long
// enough to hold it.
template <typename T>
bool ReadBody(const void* buf, size_t size, T* out) {
  if (size < sizeof(fuse_in_header) + sizeof(T)) return false;
  memcpy(out, static_cast<const char*>(buf) + sizeof(fuse_in_header), sizeof(T));
  return true;
}

}  // namespace

uint32_t ReadInitFlags(const void* buf, size_t size) {
  // flags sits at the same offset in every protocol minor's fuse_init_in.
  struct {
    uint32_t major, minor, max_readahead, flags;
  } in{};
  return ReadBody(buf, size, &in) ? in.flags : 0;
}

bool KillSuidgid(const void* buf, size_t size) {
  switch (ReadHeader(buf, size).opcode) {
    case FUSE_WRITE: {
      fuse_write_in in{};
      return ReadBody(buf, size, &in) && (in.write_flags & FUSE_WRITE_KILL_SUIDGID);
    }
    case FUSE_SETATTR: {
      fuse_setattr_in in{};
      return ReadBody(buf, size, &in) && (in.valid & FATTR_KILL_SUIDGID);
    }
    case FUSE_OPEN: {
      fuse_open_in in{};
      return ReadBody(buf, size, &in) && (in.open_flags & FUSE_OPEN_KILL_SUIDGID);
    }
    case FUSE_CREATE: {
      fuse_create_in in{};
      return ReadBody(buf, size, &in) && (in.open_flags & FUSE_OPEN_KILL_SUIDGID);
    }
    default:
      return false;
  }
}

}  // namespace rpuffs::puffs::wire
