#include "client/puffs/continuation.h"

#include <algorithm>
#include <cassert>
#include <deque>
#include <unordered_set>
#include <utility>
#include <vector>

#include <spdlog/spdlog.h>

namespace rpuffs::puffs {
namespace {

namespace ctx = boost::context;

struct ThreadState {
  Continuation* current = nullptr;
  std::deque<Continuation*> run_queue;
  std::unordered_set<Continuation*> detached;
};

ThreadState& State() {
  thread_local ThreadState state;
  return state;
}

}  // namespace

Continuation::Continuation(StackPool& pool, Body body, bool detached)
    : body_(std::move(body)), detached_(detached) {
  self_ = ctx::fiber(std::allocator_arg, PoolStackAllocator(&pool),
                     [this](ctx::fiber&& caller) { return Entry(std::move(caller)); });
}

std::unique_ptr<Continuation> Continuation::Create(StackPool& pool, Body body) {
  return std::unique_ptr<Continuation>(new Continuation(pool, std::move(body), false));
}

Continuation* Continuation::Spawn(StackPool& pool, Body body) {
  auto* cc = new Continuation(pool, std::move(body), true);
  State().detached.insert(cc);
  return cc;
}

Continuation::~Continuation() {
  assert(!running_);
  ThreadState& st = State();
  if (scheduled_) {
    st.run_queue.erase(std::remove(st.run_queue.begin(), st.run_queue.end(), this),
                       st.run_queue.end());
  }
  if (detached_) st.detached.erase(this);
  if (self_) {
    // Unwinding runs the body's destructors on its own stack: let them see
    // this continuation as the current one.
    Continuation* saved = st.current;
    st.current = this;
    running_ = true;
    self_ = ctx::fiber();
    running_ = false;
    st.current = saved;
  }
}

ctx::fiber Continuation::Entry(ctx::fiber&& caller) {
  caller_ = std::move(caller);
  try {
    body_();
  } catch (const ctx::detail::forced_unwind&) {
    throw;  // Boost unwinds a destroyed fiber this way: let it through.
  } catch (const std::exception& e) {
    if (detached_) {
      spdlog::error("continuation: uncaught exception what=\"{}\"", e.what());
    } else {
      exception_ = std::current_exception();
    }
  } catch (...) {
    if (detached_) {
      spdlog::error("continuation: uncaught non-standard exception");
    } else {
      exception_ = std::current_exception();
    }
  }
  finished_ = true;
  body_ = nullptr;  // release captures while the stack still exists
  return std::move(caller_);
}

Continuation* Continuation::Current() { return State().current; }

void Continuation::Yield() {
  Continuation* me = State().current;
  assert(me != nullptr && "Yield outside a continuation");
  me->caller_ = std::move(me->caller_).resume();
}

void Continuation::Continue(Continuation* cc) {
  assert(cc && !cc->running_ && !cc->finished_);
  ThreadState& st = State();
  Continuation* resumer = st.current;
  st.current = cc;
  cc->running_ = true;
  cc->self_ = std::move(cc->self_).resume();
  cc->running_ = false;
  st.current = resumer;
  if (cc->finished_ && cc->detached_) delete cc;
}

void Continuation::Schedule(Continuation* cc) {
  if (cc->scheduled_ || cc->finished_) return;
  cc->scheduled_ = true;
  State().run_queue.push_back(cc);
}

size_t Continuation::RunScheduled() {
  ThreadState& st = State();
  // Only what is queued now: a continuation that reschedules itself runs on
  // the next round, so the loop still gets to poll its fds.
  size_t n = st.run_queue.size();
  size_t ran = 0;
  for (size_t i = 0; i < n && !st.run_queue.empty(); ++i) {
    Continuation* cc = st.run_queue.front();
    st.run_queue.pop_front();
    cc->scheduled_ = false;
    if (cc->running_ || cc->finished_) continue;
    Continue(cc);
    ++ran;
  }
  return ran;
}

bool Continuation::HasScheduled() { return !State().run_queue.empty(); }

size_t Continuation::DetachedCount() { return State().detached.size(); }

void Continuation::DestroyAllDetached() {
  ThreadState& st = State();
  std::vector<Continuation*> victims;
  for (Continuation* cc : st.detached) {
    if (!cc->running_) victims.push_back(cc);
  }
  for (Continuation* cc : victims) {
    if (st.detached.count(cc)) delete cc;
  }
}

}  // namespace rpuffs::puffs
