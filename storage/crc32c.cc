#include "storage/crc32c.h"

#include <nmmintrin.h>

#include <array>
#include <cstring>

namespace rpuffs::storage::crc32c {
namespace {

// Bit-reflected CRC32c: bit 31 of a register is the coefficient of x^0.
constexpr uint32_t kPoly = 0x82F63B78;
constexpr uint32_t kOne = 0x80000000;  // the polynomial 1

constexpr uint32_t TimesX(uint32_t v) { return (v >> 1) ^ ((v & 1) ? kPoly : 0); }

// a * b mod P.
uint32_t MulMod(uint32_t a, uint32_t b) {
  uint32_t product = 0;
  for (uint32_t bit = kOne; bit != 0; bit >>= 1) {
    if (a & bit) product ^= b;
    b = TimesX(b);
  }
  return product;
}

// x^(8 * bytes) mod P: what a register is multiplied by when `bytes` zero
// bytes go through it. RocksDB combines a CRC per WAL record fragment, so
// the factors x^(8 * 2^k) are computed once.
uint32_t ShiftFactor(uint64_t bytes) {
  static const std::array<uint32_t, 64> kPowers = [] {
    std::array<uint32_t, 64> powers{};
    uint32_t p = kOne;
    for (int i = 0; i < 8; ++i) p = TimesX(p);  // x^8
    for (uint32_t& power : powers) {
      power = p;
      p = MulMod(p, p);
    }
    return powers;
  }();
  uint32_t result = kOne;
  for (int k = 0; bytes != 0; ++k, bytes >>= 1) {
    if (bytes & 1) result = MulMod(result, kPowers[k]);
  }
  return result;
}

struct ByteTable {
  std::array<uint32_t, 256> t{};
  constexpr ByteTable() {
    for (uint32_t b = 0; b < 256; ++b) {
      uint32_t v = b;
      for (int i = 0; i < 8; ++i) v = TimesX(v);
      t[b] = v;
    }
  }
};
constexpr ByteTable kByteTable;

uint32_t RawPortable(uint32_t state, const unsigned char* p, size_t n) {
  for (size_t i = 0; i < n; ++i) state = (state >> 8) ^ kByteTable.t[(state ^ p[i]) & 0xff];
  return state;
}

// Three lanes of kLane bytes run through three independent crc32 chains
// (the instruction's latency is three times its throughput), then join:
// state(A B C) = shift(shift(state(A)) ^ crc(B)) ^ crc(C), shift being a
// multiplication by x^(8 kLane), linear, so four 256-entry tables.
constexpr size_t kLane = 2048;

struct LaneShift {
  std::array<std::array<uint32_t, 256>, 4> t;
  LaneShift() {
    const uint32_t factor = ShiftFactor(kLane);
    for (int k = 0; k < 4; ++k) {
      for (uint32_t b = 0; b < 256; ++b) t[k][b] = MulMod(b << (8 * k), factor);
    }
  }
  uint32_t operator()(uint32_t v) const {
    return t[0][v & 0xff] ^ t[1][(v >> 8) & 0xff] ^ t[2][(v >> 16) & 0xff] ^ t[3][v >> 24];
  }
};

uint64_t Load64(const unsigned char* p) {
  uint64_t v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

__attribute__((target("sse4.2"))) uint32_t RawSse42(uint32_t state, const unsigned char* p, size_t n) {
  static const LaneShift shift;
  uint64_t s0 = state;
  while (n >= 3 * kLane) {
    uint64_t s1 = 0, s2 = 0;
    for (size_t i = 0; i < kLane; i += 8) {
      s0 = _mm_crc32_u64(s0, Load64(p + i));
      s1 = _mm_crc32_u64(s1, Load64(p + kLane + i));
      s2 = _mm_crc32_u64(s2, Load64(p + 2 * kLane + i));
    }
    s0 = shift(shift(static_cast<uint32_t>(s0)) ^ static_cast<uint32_t>(s1)) ^ static_cast<uint32_t>(s2);
    p += 3 * kLane;
    n -= 3 * kLane;
  }
  for (; n >= 8; p += 8, n -= 8) s0 = _mm_crc32_u64(s0, Load64(p));
  uint32_t s = static_cast<uint32_t>(s0);
  for (; n > 0; ++p, --n) s = _mm_crc32_u8(s, *p);
  return s;
}

}  // namespace

bool HasHardwareCrc() {
  static const bool has = [] {
    __builtin_cpu_init();
    return __builtin_cpu_supports("sse4.2") != 0;
  }();
  return has;
}

uint32_t ExtendPortable(uint32_t crc, const char* data, size_t n) {
  return ~RawPortable(~crc, reinterpret_cast<const unsigned char*>(data), n);
}

uint32_t Extend(uint32_t crc, const char* data, size_t n) {
  if (!HasHardwareCrc()) return ExtendPortable(crc, data, n);
  return ~RawSse42(~crc, reinterpret_cast<const unsigned char*>(data), n);
}

uint32_t Combine(uint32_t crc_a, uint32_t crc_b, size_t len_b) {
  // The pre- and post-inversions cancel: crc(A B) = crc(A) x^(8|B|) ^ crc(B).
  return MulMod(crc_a, ShiftFactor(len_b)) ^ crc_b;
}

}  // namespace rpuffs::storage::crc32c
