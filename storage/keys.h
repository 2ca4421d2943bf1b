// storage/keys.h — the key layout of a volume's RocksDB (see db.h for the
// column families). All integers are big-endian so that keys sort by number.
//
// Column family "meta" (RocksDB's default):
//   'I' ino                  -> inode record (inode.h)
//   'D' parent hash62 name   -> dentry: ino (8) + S_IFMT type (4)
//   'X' ino name             -> xattr value
//   'O' ino                  -> empty: unlinked inode kept alive by open handles
//   'H' session fh           -> ino (8): an open handle
//   'S' session              -> empty: a recorded session
//   'R' session seq          -> encoded Outcome of an applied mutation (outcome.h)
//   'C' counter-id           -> counter (8 bytes little-endian, "uint64add" merge)
// Column family "data":
//   ino block_index          -> block bytes (at most block_size; shorter = zeros after)
//
// Dentries are ordered by a 62-bit hash of the name, which is the stable
// readdir cookie: 1 and 2 are "." and "..", every name hashes to >= 3. A
// collision of two names in one directory only makes a resumed readdir skip
// the second one (probability ~n^2 / 2^63).
//
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace rpuffs::storage {

enum class KeyTag : char {
  kInode = 'I', kDentry = 'D', kXattr = 'X', kOrphan = 'O', kHandle = 'H',
  kSession = 'S', kRetry = 'R', kCounter = 'C',
};

// Counter ids under 'C'.
enum class CounterId : uint64_t { kNextInoLimit = 1, kUsedBlocks = 2, kInodes = 3 };

constexpr uint64_t kDotCookie = 1;
constexpr uint64_t kDotDotCookie = 2;

void PutBE64(std::string* out, uint64_t v);
uint64_t GetBE64(const char* p);
void PutLE64(std::string* out, uint64_t v);
uint64_t GetLE64(const char* p);
void PutLE32(std::string* out, uint32_t v);
uint32_t GetLE32(const char* p);

// Stable 62-bit hash of a name, in [3, 2^62).
uint64_t NameHash(std::string_view name);

// tag + one big-endian number: inode, orphan, session, counter keys and the
// prefix of dentries/xattrs/handles/retry records of one id.
std::string Key1(KeyTag tag, uint64_t a);
// tag + two big-endian numbers: handle, retry keys; dentry-seek keys.
std::string Key2(KeyTag tag, uint64_t a, uint64_t b);
std::string InodeKey(uint64_t ino);
std::string DentryKey(uint64_t parent, std::string_view name);
std::string XattrKey(uint64_t ino, std::string_view name);
std::string CounterKey(CounterId id);
// Data column family.
std::string BlockKey(uint64_t ino, uint64_t block);

// Parsers; each REQUIRES a key of its own kind (checked by length).
struct DentryKeyParts {
  uint64_t parent = 0;
  uint64_t hash = 0;
  std::string_view name;
};
bool ParseDentryKey(std::string_view key, DentryKeyParts* out);

}  // namespace rpuffs::storage
