// client/rpuffs — how gRPC completions reach the loop thread.
//
// Push() may be called from any thread (gRPC callback threads): it hands the
// function to the puffs event loop (EventLoop::Post), which runs it on the
// loop thread in order of pushing; those functions resume waiting
// continuations. Nothing ever resumes a continuation on a gRPC thread. A
// completion that arrives while the loop is busy or busy-polling costs no
// system call on either side; only a sleeping loop is woken (one eventfd
// write per sleep).
//
// Ownership: created and destroyed on the loop thread, while the loop lives.
// Functions pushed but not yet run when the queue is destroyed are dropped,
// never run (they may refer to what owns the queue); nothing may Push()
// after destruction (destroy the RemoteVolume first).
#pragma once

#include <functional>
#include <memory>

#include "client/puffs/event_loop.h"

namespace rpuffs::client {

class CompletionQueue {
 public:
  explicit CompletionQueue(puffs::EventLoop& loop);
  ~CompletionQueue();
  CompletionQueue(const CompletionQueue&) = delete;
  CompletionQueue& operator=(const CompletionQueue&) = delete;

  // Any thread. `fn` runs later on the loop thread.
  void Push(std::function<void()> fn);

 private:
  puffs::EventLoop& loop_;
  // Read and cleared on the loop thread only; posted functions hold a copy.
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace rpuffs::client
