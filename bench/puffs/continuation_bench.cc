// bench_puffs: what a continuation costs (switch, and create+run+destroy
// from the pool). Prints figures; never run as a test.
#include <benchmark/benchmark.h>

#include "client/puffs/continuation.h"
#include "client/puffs/stack_pool.h"

namespace rpuffs::puffs {
namespace {

// One iteration = Continue (switch in) + Yield (switch back out).
void BM_ResumeYield(benchmark::State& state) {
  StackPool pool;
  bool stop = false;
  auto cc = Continuation::Create(pool, [&] {
    while (!stop) Continuation::Yield();
  });
  for (auto _ : state) Continuation::Continue(cc.get());
  stop = true;
  Continuation::Continue(cc.get());
}
BENCHMARK(BM_ResumeYield);

// One iteration = a detached continuation taken from the pool, run to the
// end, and deleted (its stack back on the free list).
void BM_SpawnRunDestroy(benchmark::State& state) {
  StackPool pool(static_cast<size_t>(state.range(0)));
  int64_t sum = 0;
  for (auto _ : state) {
    Continuation::Continue(Continuation::Spawn(pool, [&sum] { ++sum; }));
  }
  benchmark::DoNotOptimize(sum);
}
BENCHMARK(BM_SpawnRunDestroy)->Arg(64 * 1024)->Arg(256 * 1024);

// One iteration = Schedule + RunScheduled (the loop's wake-up path).
void BM_ScheduleRun(benchmark::State& state) {
  StackPool pool;
  bool stop = false;
  auto cc = Continuation::Create(pool, [&] {
    while (!stop) Continuation::Yield();
  });
  for (auto _ : state) {
    Continuation::Schedule(cc.get());
    Continuation::RunScheduled();
  }
  stop = true;
  Continuation::Continue(cc.get());
}
BENCHMARK(BM_ScheduleRun);

}  // namespace
}  // namespace rpuffs::puffs

BENCHMARK_MAIN();
