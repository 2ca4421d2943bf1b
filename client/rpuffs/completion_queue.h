// client/rpuffs — how gRPC completions reach the loop thread.
//
// Push() may be called from any thread (gRPC callback threads): it queues a
// function under a mutex and writes the eventfd that sits in the puffs
// event loop. On the loop thread, the eventfd's callback swaps the queue out
// and runs each function; those resume waiting continuations. Nothing ever
// resumes a continuation on a gRPC thread.
//
// Ownership: created and destroyed on the loop thread, while the loop lives;
// nothing may Push() after destruction (destroy the RemoteVolume first).
#pragma once

#include <deque>
#include <functional>
#include <mutex>

#include "client/puffs/event_loop.h"

namespace rpuffs::client {

class CompletionQueue {
 public:
  // Throws std::system_error if the eventfd cannot be made or added.
  explicit CompletionQueue(puffs::EventLoop& loop);
  ~CompletionQueue();
  CompletionQueue(const CompletionQueue&) = delete;
  CompletionQueue& operator=(const CompletionQueue&) = delete;

  // Any thread. `fn` runs later on the loop thread.
  void Push(std::function<void()> fn);

 private:
  void Drain();

  puffs::EventLoop& loop_;
  int efd_ = -1;
  std::mutex mu_;
  std::deque<std::function<void()>> queue_;  // GUARDED_BY(mu_)
};

}  // namespace rpuffs::client
