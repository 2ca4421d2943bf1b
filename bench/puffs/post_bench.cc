// bench_puffs: handing work from another thread to the loop thread.
//
// A producer thread hands functions to the loop one at a time, each after
// the previous one ran (a request waiting on one completion at a time), or
// in a burst. The counter gives eventfd system calls per function, both
// sides together.
// BM_Post*: EventLoop::Post(). BM_Eventfd*: the plain pattern (mutex +
// deque + write the eventfd when the queue was empty, level-triggered, read
// it on every wake-up), as client code did before Post() existed.
#include <sys/eventfd.h>
#include <unistd.h>

#include <atomic>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

#include <benchmark/benchmark.h>

#include "client/puffs/event_loop.h"

namespace rpuffs::puffs {
namespace {

constexpr int kItems = 1000;

// Runs the loop until `kItems` functions handed over by `hand` ran; with
// `one_at_a_time` the producer waits for each before handing the next.
template <typename Hand>
void HandOver(EventLoop& loop, bool one_at_a_time, Hand hand) {
  std::atomic<int> seen{0};
  std::thread producer([&] {
    for (int i = 0; i < kItems; ++i) {
      hand([&seen] { seen.fetch_add(1, std::memory_order_release); });
      while (one_at_a_time && seen.load(std::memory_order_acquire) <= i) std::this_thread::yield();
    }
  });
  while (seen.load(std::memory_order_acquire) < kItems) loop.RunOnce(100);
  producer.join();
}

void BM_Post(benchmark::State& state) {
  EventLoop loop;
  const uint64_t before = loop.PostWakeups();
  for (auto _ : state) {
    HandOver(loop, state.range(0) != 0, [&](std::function<void()> fn) { loop.Post(std::move(fn)); });
  }
  // Post() writes the eventfd only for a waiting loop, and the loop never reads it.
  state.counters["syscalls/item"] = benchmark::Counter(
      double(loop.PostWakeups() - before) / (double(state.iterations()) * kItems));
  state.SetItemsProcessed(state.iterations() * kItems);
}
BENCHMARK(BM_Post)->ArgName("one_at_a_time")->Arg(1)->Arg(0)->UseRealTime();

// The pattern client code used before Post(): its own eventfd in the loop.
class EventfdQueue {
 public:
  explicit EventfdQueue(EventLoop& loop) : loop_(loop), efd_(eventfd(0, EFD_NONBLOCK)) {
    loop_.AddFd(efd_, EPOLLIN, [this](uint32_t) { Drain(); });
  }
  ~EventfdQueue() {
    loop_.RemoveFd(efd_);
    close(efd_);
  }
  void Push(std::function<void()> fn) {
    bool was_empty;
    {
      std::lock_guard<std::mutex> lock(mu_);
      was_empty = queue_.empty();
      queue_.push_back(std::move(fn));
    }
    if (was_empty) {
      uint64_t one = 1;
      writes_.fetch_add(1, std::memory_order_relaxed);
      ssize_t n = write(efd_, &one, sizeof one);
      (void)n;
    }
  }
  uint64_t syscalls() const { return writes_.load() + reads_; }

 private:
  void Drain() {
    uint64_t count;
    ssize_t n = read(efd_, &count, sizeof count);
    (void)n;
    ++reads_;
    std::deque<std::function<void()>> batch;
    {
      std::lock_guard<std::mutex> lock(mu_);
      batch.swap(queue_);
    }
    for (auto& fn : batch) fn();
  }
  EventLoop& loop_;
  int efd_;
  std::mutex mu_;
  std::deque<std::function<void()>> queue_;
  std::atomic<uint64_t> writes_{0};
  uint64_t reads_ = 0;
};

void BM_Eventfd(benchmark::State& state) {
  EventLoop loop;
  EventfdQueue queue(loop);
  for (auto _ : state) {
    HandOver(loop, state.range(0) != 0, [&](std::function<void()> fn) { queue.Push(std::move(fn)); });
  }
  state.counters["syscalls/item"] =
      benchmark::Counter(double(queue.syscalls()) / (double(state.iterations()) * kItems));
  state.SetItemsProcessed(state.iterations() * kItems);
}
BENCHMARK(BM_Eventfd)->ArgName("one_at_a_time")->Arg(1)->Arg(0)->UseRealTime();

}  // namespace
}  // namespace rpuffs::puffs
