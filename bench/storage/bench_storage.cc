// bench_storage — storage-direct speed of a volume on a real RocksDB in a
// temp dir: creates, lookups, getattr, readdir of 10,000 entries, 1 MiB
// writes and reads, 4 KiB writes, 4 KiB random reads and writes. Prints
// ops/s (items_per_second) and MB/s (bytes_per_second). Run: build-storage/bench/storage/bench_storage
#include <benchmark/benchmark.h>
#include <fcntl.h>
#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "storage/store.h"

namespace rpuffs::storage {
namespace {

// A fresh store in a temp dir, removed at the end.
class BenchVolume {
 public:
  BenchVolume() {
    char templ[] = "/tmp/rpuffs-bench-XXXXXX";
    dir_ = mkdtemp(templ);
    store_ = std::move(Store::Open(dir_).value());
    v = store_->Find("default");
  }
  ~BenchVolume() {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  Ino Mkdir(const std::string& name) { return v->Mkdir(OpId{}, Caller{}, kRootIno, name, 0755)->ino; }
  Ino File(Ino dir, const std::string& name) {
    auto r = v->Create(OpId{}, Caller{}, dir, name, 0644, O_CREAT | O_RDWR);
    (void)v->Release(0, r->fh, false);
    return r->attr.ino;
  }
  Volume* v = nullptr;

 private:
  std::string dir_;
  std::unique_ptr<Store> store_;
};

void BM_Create(benchmark::State& state) {
  BenchVolume b;
  Ino dir = b.Mkdir("d");
  uint64_t i = 0, seq = 0;
  for (auto _ : state) {
    auto r = b.v->Create(OpId{1, ++seq}, Caller{}, dir, "file" + std::to_string(i++), 0644, O_CREAT | O_EXCL | O_RDWR);
    if (!r.ok()) state.SkipWithError("create failed");
    (void)b.v->Release(1, r->fh, false);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Create)->UseRealTime();

// Benchmarks that also run with 2 threads share one volume, made by thread 0
// before the timed loop (the loop's start waits for every thread).
BenchVolume* shared = nullptr;
Ino shared_dir = 0;
std::vector<Ino> shared_inos;

void SetUpShared(benchmark::State& state, int files) {
  if (state.thread_index() != 0) return;
  shared = new BenchVolume();
  shared_dir = shared->Mkdir("d");
  shared_inos.clear();
  for (int i = 0; i < files; ++i) shared_inos.push_back(shared->File(shared_dir, "file" + std::to_string(i)));
}

void TearDownShared(benchmark::State& state) {
  if (state.thread_index() != 0) return;
  delete shared;
  shared = nullptr;
}

// Mknod(S_IFREG): a create without an open handle (one write).
void BM_Mknod(benchmark::State& state) {
  SetUpShared(state, 0);
  uint64_t i = 0;
  const std::string prefix = "t" + std::to_string(state.thread_index()) + "-";
  for (auto _ : state) {
    auto r = shared->v->Mknod(OpId{}, Caller{}, shared_dir, prefix + std::to_string(i++), S_IFREG | 0644, 0);
    if (!r.ok()) state.SkipWithError("mknod failed");
  }
  state.SetItemsProcessed(state.iterations());
  TearDownShared(state);
}
BENCHMARK(BM_Mknod)->UseRealTime()->Threads(1)->Threads(2);

void BM_Lookup(benchmark::State& state) {
  const int n = 10000;
  SetUpShared(state, n);
  std::vector<std::string> names;
  for (int i = 0; i < n; ++i) names.push_back("file" + std::to_string((i * 7919) % n));
  Caller user{1000, 1000, {}};  // a non-root caller: the search permission is checked
  size_t i = 0;
  for (auto _ : state) {
    auto r = shared->v->Lookup(user, shared_dir, names[i++ % n]);
    if (!r.ok()) state.SkipWithError("lookup failed");
  }
  state.SetItemsProcessed(state.iterations());
  TearDownShared(state);
}
BENCHMARK(BM_Lookup)->UseRealTime()->Threads(1)->Threads(2);

void BM_GetAttr(benchmark::State& state) {
  SetUpShared(state, 10000);
  size_t i = 0;
  for (auto _ : state) {
    auto r = shared->v->GetAttr(shared_inos[(i++ * 7919) % shared_inos.size()]);
    if (!r.ok()) state.SkipWithError("getattr failed");
  }
  state.SetItemsProcessed(state.iterations());
  TearDownShared(state);
}
BENCHMARK(BM_GetAttr)->UseRealTime()->Threads(1)->Threads(2);

// One iteration = listing all 10,000 entries (pages of 4096), with attributes if plus.
void BM_Readdir10k(benchmark::State& state) {
  BenchVolume b;
  Ino dir = b.Mkdir("d");
  for (int i = 0; i < 10000; ++i) b.File(dir, "file" + std::to_string(i));
  const bool plus = state.range(0) != 0;
  size_t entries = 0;
  for (auto _ : state) {
    uint64_t cookie = 0;
    for (;;) {
      auto r = b.v->Readdir(Caller{}, dir, cookie, 4096, plus);
      if (!r.ok() || r->entries.empty()) break;
      entries += r->entries.size();
      cookie = r->entries.back().offset;
      if (r->eof) break;
    }
  }
  state.SetItemsProcessed(entries);
  state.counters["dirs/s"] = benchmark::Counter(state.iterations(), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_Readdir10k)->Arg(0)->Arg(1)->UseRealTime();

// Incompressible bytes (splitmix64), like fio's or rpuffs-load's patterns.
std::string RandomBytes(size_t size, uint64_t seed) {
  std::string s(size, '\0');
  for (size_t i = 0; i < size; i += 8) {
    uint64_t x = (seed += 0x9e3779b97f4a7c15ULL);
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    x ^= x >> 31;
    for (size_t k = 0; k < 8 && i + k < size; ++k) s[i + k] = static_cast<char>(x >> (8 * k));
  }
  return s;
}

// Sequential writes of `range(0)` bytes of a repeating pattern (range(1) ==
// 0, compresses well) or of incompressible bytes (1); a new file every
// 256 MiB. CPU is the whole process's, so RocksDB's flushes and compactions
// count.
void BM_Write(benchmark::State& state) {
  BenchVolume b;
  const size_t size = state.range(0);
  std::string data(size, 'w');
  for (size_t i = 0; i < size; ++i) data[i] = static_cast<char>(i * 131 % 251);
  if (state.range(1) != 0) data = RandomBytes(size, 3);
  Ino file = b.File(kRootIno, "f0");
  uint64_t offset = 0;
  int files = 0;
  for (auto _ : state) {
    if (offset >= (256u << 20)) {
      state.PauseTiming();
      (void)b.v->Unlink(OpId{}, Caller{}, kRootIno, "f" + std::to_string(files));
      file = b.File(kRootIno, "f" + std::to_string(++files));
      offset = 0;
      state.ResumeTiming();
    }
    auto r = b.v->Write(OpId{}, Caller{}, file, offset, data, false);
    if (!r.ok()) state.SkipWithError("write failed");
    offset += size;
  }
  state.SetBytesProcessed(state.iterations() * size);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Write)->Args({1 << 20, 0})->Args({4096, 0})->Args({1 << 20, 1})->UseRealTime()->MeasureProcessCPUTime();

void BM_Read1MiB(benchmark::State& state) {
  BenchVolume b;
  const size_t size = 1 << 20;
  const uint64_t file_size = 64u << 20;
  Ino file = b.File(kRootIno, "f");
  std::string data(size, 'r');
  for (uint64_t off = 0; off < file_size; off += size) (void)b.v->Write(OpId{}, Caller{}, file, off, data, false);
  uint64_t offset = 0;
  for (auto _ : state) {
    auto r = b.v->Read(file, offset, size);
    if (!r.ok() || r->size() != size) state.SkipWithError("read failed");
    offset = (offset + size) % file_size;
  }
  state.SetBytesProcessed(state.iterations() * size);
}
BENCHMARK(BM_Read1MiB)->UseRealTime();

// 4 KiB random reads (range(0) == 0) or writes (1) at aligned offsets of a
// file of range(1) MiB of incompressible data (256 MiB fits the blob cache,
// 1024 MiB mostly does not) written with 1 MiB writes (most of it
// flushed to blob files by the time the loop starts). Process CPU, as BM_Write.
void BM_RandIo4k(benchmark::State& state) {
  BenchVolume b;
  const uint64_t file_size = static_cast<uint64_t>(state.range(1)) << 20;
  Ino file = b.File(kRootIno, "f");
  for (uint64_t off = 0; off < file_size; off += 1 << 20)
    (void)b.v->Write(OpId{}, Caller{}, file, off, RandomBytes(1 << 20, off), false);
  const bool write = state.range(0) != 0;
  const std::string data = RandomBytes(4096, 7);
  uint64_t x = 88172645463325252ULL;
  for (auto _ : state) {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;  // xorshift64
    uint64_t offset = (x % (file_size / 4096)) * 4096;
    bool ok = write ? b.v->Write(OpId{}, Caller{}, file, offset, data, false).ok()
                    : b.v->Read(file, offset, 4096).ok();
    if (!ok) state.SkipWithError("i/o failed");
  }
  state.SetBytesProcessed(state.iterations() * 4096);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_RandIo4k)->Args({0, 256})->Args({1, 256})->Args({0, 1024})->UseRealTime()->MeasureProcessCPUTime();

}  // namespace
}  // namespace rpuffs::storage

BENCHMARK_MAIN();
