#include "client/rpuffs/completion_queue.h"

#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>

namespace rpuffs::client {

CompletionQueue::CompletionQueue(puffs::EventLoop& loop) : loop_(loop) {
  efd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (efd_ < 0) throw std::system_error(errno, std::generic_category(), "eventfd");
  int err = loop_.AddFd(efd_, EPOLLIN, [this](uint32_t) { Drain(); });
  if (err != 0) {
    close(efd_);
    throw std::system_error(err, std::generic_category(), "add eventfd to loop");
  }
}

CompletionQueue::~CompletionQueue() {
  loop_.RemoveFd(efd_);
  close(efd_);
}

void CompletionQueue::Push(std::function<void()> fn) {
  bool was_empty;
  {
    std::lock_guard<std::mutex> lock(mu_);
    was_empty = queue_.empty();
    queue_.push_back(std::move(fn));
  }
  // One wake-up per batch: the loop drains everything queued so far.
  if (was_empty) {
    uint64_t one = 1;
    ssize_t n = write(efd_, &one, sizeof one);
    (void)n;  // EAGAIN only when the counter is saturated: a wake-up is pending anyway
  }
}

void CompletionQueue::Drain() {
  uint64_t count;
  ssize_t n = read(efd_, &count, sizeof count);
  (void)n;
  std::deque<std::function<void()>> batch;
  {
    std::lock_guard<std::mutex> lock(mu_);
    batch.swap(queue_);
  }
  for (auto& fn : batch) fn();
}

}  // namespace rpuffs::client
