// client/puffs — stacks for continuations: a free list of mmap'd stacks.
//
// Every stack is `stack_size()` usable bytes (the requested size rounded up
// to a power of two, at least kMinStackSize) with one PROT_NONE guard page
// below it, so an overflow faults instead of corrupting a neighbour. Freed
// stacks go back on a free list (up to `max_free` of them) and are reused.
//
// Threading: a StackPool and its allocators are used from one thread (the
// loop thread). The pool must outlive every fiber that took a stack from it.
#pragma once

#include <cstddef>
#include <vector>

#include <boost/context/stack_context.hpp>

namespace rpuffs::puffs {

constexpr size_t kMinStackSize = 16 * 1024;
constexpr size_t kDefaultStackSize = 256 * 1024;

// Smallest power of two >= max(size, kMinStackSize).
size_t RoundStackSize(size_t size);

class StackPool {
 public:
  explicit StackPool(size_t stack_size = kDefaultStackSize, size_t max_free = 64);
  ~StackPool();
  StackPool(const StackPool&) = delete;
  StackPool& operator=(const StackPool&) = delete;

  size_t stack_size() const { return stack_size_; }
  size_t free_count() const { return free_.size(); }
  size_t live_count() const { return live_; }

  // A stack from the free list or a fresh mapping. Throws std::bad_alloc if
  // mmap fails (Boost.Context's allocator contract).
  boost::context::stack_context Take();
  // Gives a stack back (kept for reuse or unmapped).
  void Give(boost::context::stack_context& sc);

 private:
  size_t stack_size_;
  size_t max_free_;
  size_t live_ = 0;
  std::vector<boost::context::stack_context> free_;
};

// The Boost.Context StackAllocator view of a pool (copied into each fiber).
class PoolStackAllocator {
 public:
  explicit PoolStackAllocator(StackPool* pool) : pool_(pool) {}
  boost::context::stack_context allocate() { return pool_->Take(); }
  void deallocate(boost::context::stack_context& sc) { pool_->Give(sc); }

 private:
  StackPool* pool_;
};

}  // namespace rpuffs::puffs
