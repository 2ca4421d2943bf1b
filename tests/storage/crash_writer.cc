// storage_crash_writer DIR SEED: a stream of mutations on volume "default"
// of the store at DIR, for crash_test.cc to kill -9 at a random moment. Each
// file f<i> gets content Content(i); after every fsync it prints
// "synced <i>" (all of f0..f<i> are then durable). Never exits on its own
// before 100000 files.
#include <fcntl.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "storage/store.h"
#include "tests/storage/crash_content.h"
#include "tests/storage/writer_main.h"

using namespace rpuffs::storage;

int main(int argc, char** argv) {
  std::unique_ptr<Store> store;
  Volume* v = rpuffs::storage::testing::OpenDefaultOrExit(argc, argv, 3, "DIR SEED", &store);
  Caller root;
  const uint64_t seed = std::strtoull(argv[2], nullptr, 10);
  for (uint64_t i = 0; i < 100000; ++i) {
    OpId op{seed, i + 1};
    std::string name = "f" + std::to_string(i);
    auto c = v->Create(op, root, kRootIno, name, 0644, O_CREAT | O_EXCL | O_RDWR);
    if (!c.ok()) return 3;
    std::string data = rpuffs::storage::testing::CrashContent(i);
    if (!v->Write(OpId{}, root, c->attr.ino, 0, data, false).ok()) return 4;
    // Churn that must leave no trace: a temp dir with a file, renamed and removed.
    auto d = v->Mkdir(OpId{}, root, kRootIno, "tmp" + std::to_string(i), 0755);
    if (!d.ok()) return 5;
    auto t = v->Create(OpId{}, root, d->ino, "t", 0644, O_CREAT | O_RDWR);
    if (!t.ok() || !v->Write(OpId{}, root, t->attr.ino, 0, data, false).ok()) return 6;
    if (!v->Rename(OpId{}, root, d->ino, "t", kRootIno, "t" + std::to_string(i), 0).ok()) return 7;
    if (!v->Rmdir(OpId{}, root, kRootIno, "tmp" + std::to_string(i)).ok()) return 8;
    if (!v->Unlink(OpId{}, root, kRootIno, "t" + std::to_string(i)).ok()) return 9;
    if (!v->Release(0, t->fh, false).ok()) return 10;
    if (!v->Release(seed, c->fh, i % 10 == 9).ok()) return 11;
    if (i % 10 == 9) {
      std::printf("synced %llu\n", static_cast<unsigned long long>(i));
      std::fflush(stdout);
    }
  }
  return 0;
}
