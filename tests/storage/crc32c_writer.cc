// storage_crc32c_writer DIR: linked like rpuffsd (static RocksDB with
// storage/rocksdb_crc32c.cc in place of RocksDB's own CRC32c). Writes the
// files of crc32c_content.h into volume "default" of the store at DIR,
// flushing the first ones into blob and table files, then prints the CRC
// implementation RocksDB reports and "done", and exits without closing the
// store, as after a kill -9: the last files are only in the WAL.
#include <fcntl.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "storage/store.h"
#include "storage/volume_internal.h"
#include "tests/storage/crc32c_content.h"
#include "tests/storage/writer_main.h"

namespace rocksdb::crc32c {
std::string IsFastCrc32Supported();
}

using namespace rpuffs::storage;

namespace {

bool WriteFile(Volume* v, const std::string& name, uint64_t i) {
  Caller root;
  auto c = v->Create(OpId{}, root, kRootIno, name, 0644, O_CREAT | O_EXCL | O_RDWR);
  if (!c.ok()) return false;
  std::string data = testing::CrcContent(name, i);
  for (size_t off = 0; off < data.size(); off += kMaxIo) {
    std::string_view chunk = std::string_view(data).substr(off, kMaxIo);
    if (!v->Write(OpId{}, root, c->attr.ino, off, chunk, false).ok()) return false;
  }
  for (const testing::CrcPatch& p : testing::kCrcPatches) {
    if (!v->Write(OpId{}, root, c->attr.ino, p.offset, std::string(p.length, p.byte), false).ok()) return false;
  }
  return v->Release(0, c->fh, false).ok();
}

}  // namespace

int main(int argc, char** argv) {
  std::unique_ptr<Store> store;
  Volume* v = testing::OpenDefaultOrExit(argc, argv, 2, "DIR", &store);
  for (int i = 0; i < testing::kCrcFlushedFiles; ++i) {
    if (!WriteFile(v, "flushed" + std::to_string(i), i)) return 3;
  }
  if (!internal::FlushAndCompact(v).ok()) return 4;
  for (int i = 0; i < testing::kCrcWalFiles; ++i) {
    if (!WriteFile(v, "wal" + std::to_string(i), i)) return 5;
  }
  std::printf("crc32c: %s\ndone\n", rocksdb::crc32c::IsFastCrc32Supported().c_str());
  std::fflush(stdout);
  std::_Exit(0);  // no close: the WAL holds the last files, as after kill -9
}
