#include "client/puffs/stack_pool.h"

#include <sys/mman.h>
#include <unistd.h>

#include <new>

namespace rpuffs::puffs {
namespace {

size_t PageSize() {
  static const size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  return page;
}

}  // namespace

size_t RoundStackSize(size_t size) {
  size_t rounded = kMinStackSize;
  while (rounded < size) rounded <<= 1;
  return rounded;
}

StackPool::StackPool(size_t stack_size, size_t max_free)
    : stack_size_(RoundStackSize(stack_size)), max_free_(max_free) {}

StackPool::~StackPool() {
  for (auto& sc : free_) {
    char* top = static_cast<char*>(sc.sp);
    munmap(top - stack_size_ - PageSize(), stack_size_ + PageSize());
  }
}

boost::context::stack_context StackPool::Take() {
  ++live_;
  if (!free_.empty()) {
    boost::context::stack_context sc = free_.back();
    free_.pop_back();
    return sc;
  }
  const size_t total = stack_size_ + PageSize();
  void* base = mmap(nullptr, total, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK,
                    -1, 0);
  if (base == MAP_FAILED) {
    --live_;
    throw std::bad_alloc();
  }
  // The lowest page is the guard: stacks grow down towards it.
  mprotect(base, PageSize(), PROT_NONE);
  boost::context::stack_context sc;
  sc.size = stack_size_;
  sc.sp = static_cast<char*>(base) + total;
  return sc;
}

void StackPool::Give(boost::context::stack_context& sc) {
  --live_;
  if (free_.size() < max_free_) {
    free_.push_back(sc);
    return;
  }
  char* top = static_cast<char*>(sc.sp);
  munmap(top - stack_size_ - PageSize(), stack_size_ + PageSize());
}

}  // namespace rpuffs::puffs
