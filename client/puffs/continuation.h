// client/puffs — continuations: one Boost.Context fiber per request.
//
// A Continuation runs a body on its own stack (from a StackPool). The body
// may suspend with Yield(), which returns control to whoever last resumed it
// (Continue()); Schedule() asks the loop to resume it soon instead. These are
// the only switch points; everything that "waits" in the framework (framed
// I/O, timers, interrupts) is built on them (puffs_cc_yield/continue/schedule).
//
// Ownership: Create() returns an owned continuation; Spawn() returns a
// detached one, deleted by the framework as soon as its body has finished.
// Destroying a suspended continuation unwinds its stack (destructors run,
// via Boost's forced_unwind, which must never be swallowed).
//
// Exceptions never escape a body: an owned continuation keeps it for the
// resumer (TakeException()); a detached one logs it.
//
// Threading: a continuation belongs to the thread that created it; Current(),
// Yield(), Continue(), Schedule() and RunScheduled() are per thread.
#pragma once

#include <cstddef>
#include <exception>
#include <functional>
#include <memory>

#include <boost/context/fiber.hpp>

#include "client/puffs/stack_pool.h"

namespace rpuffs::puffs {

class Continuation {
 public:
  using Body = std::function<void()>;

  // A suspended continuation; `body` runs at the first Continue().
  static std::unique_ptr<Continuation> Create(StackPool& pool, Body body);
  // Like Create, but owned by the framework and deleted once finished.
  static Continuation* Spawn(StackPool& pool, Body body);

  ~Continuation();
  Continuation(const Continuation&) = delete;
  Continuation& operator=(const Continuation&) = delete;

  // The continuation running on this thread, or nullptr on a thread's own stack.
  static Continuation* Current();
  // REQUIRES: Current() != nullptr. Suspends the current continuation and
  // returns to whoever resumed it. Returns when it is resumed again.
  static void Yield();
  // Resumes `cc` now (REQUIRES: suspended, not running); returns when it yields
  // or finishes. A detached continuation that finished is deleted here.
  static void Continue(Continuation* cc);
  // Queues `cc` to be resumed by the next RunScheduled() (the loop calls it
  // every iteration). Queuing twice resumes once.
  static void Schedule(Continuation* cc);
  // Resumes every continuation scheduled so far; returns how many ran.
  static size_t RunScheduled();
  // True if something is scheduled (the loop then polls without waiting).
  static bool HasScheduled();
  // Detached continuations still alive on this thread.
  static size_t DetachedCount();
  // Destroys (unwinds) every suspended detached continuation on this thread.
  static void DestroyAllDetached();

  bool finished() const { return finished_; }
  bool running() const { return running_; }
  // The exception the body ended with (owned continuations), or null.
  std::exception_ptr TakeException() { return std::exchange(exception_, nullptr); }

 private:
  Continuation(StackPool& pool, Body body, bool detached);
  boost::context::fiber Entry(boost::context::fiber&& caller);

  Body body_;
  boost::context::fiber self_;    // while suspended: resumes the body
  boost::context::fiber caller_;  // while running: returns to the resumer
  bool detached_;
  bool finished_ = false;
  bool running_ = false;
  bool scheduled_ = false;
  std::exception_ptr exception_;
};

}  // namespace rpuffs::puffs
