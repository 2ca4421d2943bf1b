// server/worker_pool — a few threads for storage calls that block (a synced
// RocksDB write waits for fdatasync, ~170 us), so gRPC's callback threads never
// do.
//
// Submit() is thread-safe and never blocks on the work itself. Stop() runs
// every task already queued, then joins the threads; Submit() after Stop()
// runs the task inline on the caller's thread. The destructor calls Stop().
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace rpuffs::server {

class WorkerPool {
 public:
  explicit WorkerPool(unsigned threads);
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  void Submit(std::function<void()> task);
  void Stop();

 private:
  void Loop();

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> queue_;  // guarded by mu_
  bool stopping_ = false;                    // guarded by mu_
  std::vector<std::thread> threads_;
};

}  // namespace rpuffs::server
