#include "client/load/pattern.h"

#include <algorithm>
#include <cstring>

namespace rpuffs::load {
namespace {

uint64_t Mix(uint64_t x) {  // splitmix64's finaliser
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

uint64_t Word(uint64_t seed, uint64_t file, uint64_t word_index) {
  return Mix(Mix(seed ^ Mix(file)) ^ word_index);
}

}  // namespace

uint64_t FileId(uint32_t space, uint32_t owner, uint64_t index) {
  return (uint64_t{space} << 56) ^ (uint64_t{owner} << 36) ^ index;
}

void FillPattern(uint64_t seed, uint64_t file, uint64_t offset, char* out, size_t size) {
  size_t done = 0;
  while (done < size) {
    uint64_t pos = offset + done;
    uint64_t w = Word(seed, file, pos >> 3);
    unsigned char bytes[8];
    for (int i = 0; i < 8; ++i) bytes[i] = static_cast<unsigned char>(w >> (8 * i));
    size_t skip = pos & 7;
    size_t take = std::min<size_t>(8 - skip, size - done);
    std::memcpy(out + done, bytes + skip, take);
    done += take;
  }
}

std::string Pattern(uint64_t seed, uint64_t file, uint64_t offset, size_t size) {
  std::string s(size, '\0');
  FillPattern(seed, file, offset, s.data(), size);
  return s;
}

int64_t FirstMismatch(uint64_t seed, uint64_t file, uint64_t offset, const std::string& data) {
  constexpr size_t kChunk = 4096;
  char expect[kChunk];
  for (size_t at = 0; at < data.size(); at += kChunk) {
    size_t n = std::min(kChunk, data.size() - at);
    FillPattern(seed, file, offset + at, expect, n);
    if (std::memcmp(expect, data.data() + at, n) == 0) continue;
    for (size_t i = 0; i < n; ++i) {
      if (expect[i] != data[at + i]) return static_cast<int64_t>(at + i);
    }
  }
  return -1;
}

}  // namespace rpuffs::load

namespace rpuffs::load {
uint64_t Hash64(uint64_t a, uint64_t b) { return Mix(Mix(a) ^ b); }
}  // namespace rpuffs::load
