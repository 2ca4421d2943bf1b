#include "client/memfs/chunk_arena.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <system_error>

namespace rpuffs::memfs {
namespace {

// The memfd grows in steps of this many slots (a size change only: a
// memfd's holes cost no memory).
constexpr uint64_t kGrowSlots = 4096;

}  // namespace

ChunkArena::ChunkArena() {
  fd_ = memfd_create("rpuffs-memfs-data", MFD_CLOEXEC);
  if (fd_ < 0) throw std::system_error(errno, std::generic_category(), "memfd_create");
}

ChunkArena::~ChunkArena() { close(fd_); }

int ChunkArena::Alloc(uint64_t* slot) {
  if (!free_.empty()) {
    *slot = free_.back();
    free_.pop_back();
    return 0;
  }
  if (Offset(next_slot_ + 1) > file_size_) {
    const uint64_t size = Offset(next_slot_ + kGrowSlots);
    if (ftruncate(fd_, static_cast<off_t>(size)) != 0) return errno == EFBIG ? ENOSPC : errno;
    file_size_ = size;
  }
  *slot = next_slot_++;
  return 0;
}

void ChunkArena::Free(uint64_t slot, uint64_t used) {
  // A slot that cannot be zeroed is not reused: its stale bytes would show
  // through the next file's holes.
  if (used > 0 && Zero(Offset(slot), kSlotSize) != 0) return;
  free_.push_back(slot);
}

int ChunkArena::Write(uint64_t at, const char* src, size_t n) {
  while (n > 0) {
    ssize_t w = pwrite(fd_, src, n, static_cast<off_t>(at));
    if (w < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    src += w;
    at += static_cast<uint64_t>(w);
    n -= static_cast<size_t>(w);
  }
  return 0;
}

int ChunkArena::Read(uint64_t at, char* dst, size_t n) const {
  while (n > 0) {
    ssize_t r = pread(fd_, dst, n, static_cast<off_t>(at));
    if (r < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    if (r == 0) {  // past the memfd's end: never written
      std::memset(dst, 0, n);
      return 0;
    }
    dst += r;
    at += static_cast<uint64_t>(r);
    n -= static_cast<size_t>(r);
  }
  return 0;
}

int ChunkArena::Zero(uint64_t at, uint64_t n) {
  if (n == 0) return 0;
  if (fallocate(fd_, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, static_cast<off_t>(at),
                static_cast<off_t>(n)) == 0) {
    return 0;
  }
  // No hole punching: write the zeros.
  static const char kZeros[4096] = {};
  while (n > 0) {
    const size_t step = static_cast<size_t>(std::min<uint64_t>(n, sizeof(kZeros)));
    if (int err = Write(at, kZeros, step)) return err;
    at += step;
    n -= step;
  }
  return 0;
}

int ChunkArena::Reserve(uint64_t at, uint64_t n) {
  if (n == 0) return 0;
  if (fallocate(fd_, FALLOC_FL_KEEP_SIZE, static_cast<off_t>(at), static_cast<off_t>(n)) == 0) return 0;
  return errno == EOPNOTSUPP ? 0 : errno;
}

uint64_t ChunkArena::allocated_bytes() const {
  struct stat st {};
  if (fstat(fd_, &st) != 0) return 0;
  return static_cast<uint64_t>(st.st_blocks) * 512;
}

}  // namespace rpuffs::memfs
