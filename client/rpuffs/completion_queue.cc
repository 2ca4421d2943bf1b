#include "client/rpuffs/completion_queue.h"

#include <utility>

namespace rpuffs::client {

CompletionQueue::CompletionQueue(puffs::EventLoop& loop) : loop_(loop) {}

CompletionQueue::~CompletionQueue() { *alive_ = false; }

void CompletionQueue::Push(std::function<void()> fn) {
  loop_.Post([alive = alive_, fn = std::move(fn)] {
    if (*alive) fn();
  });
}

}  // namespace rpuffs::client
