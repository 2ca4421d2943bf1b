#include "storage/keys.h"

namespace rpuffs::storage {

void PutBE64(std::string* out, uint64_t v) {
  for (int i = 7; i >= 0; --i) out->push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

uint64_t GetBE64(const char* p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | static_cast<uint8_t>(p[i]);
  return v;
}

void PutLE64(std::string* out, uint64_t v) {
  for (int i = 0; i < 8; ++i) out->push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

uint64_t GetLE64(const char* p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | static_cast<uint8_t>(p[i]);
  return v;
}

void PutLE32(std::string* out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out->push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

uint32_t GetLE32(const char* p) {
  uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = (v << 8) | static_cast<uint8_t>(p[i]);
  return v;
}

uint64_t NameHash(std::string_view name) {
  // FNV-1a over the bytes, then a 64-bit finaliser so that close names spread.
  uint64_t h = 1469598103934665603ull;
  for (char ch : name) {
    h ^= static_cast<uint8_t>(ch);
    h *= 1099511628211ull;
  }
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdull;
  h ^= h >> 33;
  h >>= 2;
  return h < 3 ? h + 3 : h;
}

std::string Key1(KeyTag tag, uint64_t a) {
  std::string k(1, static_cast<char>(tag));
  PutBE64(&k, a);
  return k;
}

std::string Key2(KeyTag tag, uint64_t a, uint64_t b) {
  std::string k = Key1(tag, a);
  PutBE64(&k, b);
  return k;
}

std::string InodeKey(uint64_t ino) { return Key1(KeyTag::kInode, ino); }

std::string DentryKey(uint64_t parent, std::string_view name) {
  std::string k = Key2(KeyTag::kDentry, parent, NameHash(name));
  k.append(name);
  return k;
}

std::string XattrKey(uint64_t ino, std::string_view name) {
  std::string k = Key1(KeyTag::kXattr, ino);
  k.append(name);
  return k;
}

std::string CounterKey(CounterId id) { return Key1(KeyTag::kCounter, static_cast<uint64_t>(id)); }

std::string BlockKey(uint64_t ino, uint64_t block) {
  std::string k;
  k.reserve(16);
  PutBE64(&k, ino);
  PutBE64(&k, block);
  return k;
}

bool ParseDentryKey(std::string_view key, DentryKeyParts* out) {
  if (key.size() < 18 || key[0] != static_cast<char>(KeyTag::kDentry)) return false;
  out->parent = GetBE64(key.data() + 1);
  out->hash = GetBE64(key.data() + 9);
  out->name = key.substr(17);
  return true;
}

}  // namespace rpuffs::storage
