// client/remote — the mount's side of its server session.
//
// SessionState holds, under one mutex:
// - the session id and a generation that grows each time a Hello adopts a
//   session (resumed or new), so a call can tell "the session I used is
//   gone" from "someone already recovered it";
// - the mutation sequence numbers: Begin hands out the next one and keeps it
//   in flight until End; acked_below is the lowest seq still in flight (or
//   the next one to hand out);
// - the open-handle table: callers see local handle ids that stay the same
//   when a new session has to re-open the files under new server handles;
// - the recovery gate: while a Hello is re-establishing the session, calls
//   park a continuation function here and run once it is over.
// Every method is thread-safe and never blocks on the network.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <vector>

namespace rpuffs::remote {

// A call's view of the session it stamped its request with.
struct Ticket {
  uint64_t session_id = 0;
  uint64_t generation = 0;
  uint64_t seq = 0;  // 0: not a mutation (or not yet stamped)
};

struct OpenHandle {
  uint64_t local = 0;      // what callers use
  uint64_t ino = 0;
  uint32_t flags = 0;      // open(2) flags used to re-open (no O_CREAT/O_TRUNC/O_EXCL)
  uint64_t server_fh = 0;  // current session's handle
  bool lost = false;       // a new session could not re-open it
};

class SessionState {
 public:
  // Parked until recovery ends; the argument says whether it succeeded.
  using Waiter = std::function<void(bool recovered)>;

  // A Hello succeeded: adopt its session (same id on resume) and bump the generation.
  void Adopt(uint64_t session_id);
  uint64_t id() const;

  // Fills *t for a new attempt and returns true, or parks `w` (returns false)
  // while recovery runs and `bypass_gate` is false. A mutation keeps its seq
  // while the session id stays; under a new session it gets a fresh one. A
  // call that carries `seqs` mutations (a Batch) takes that many consecutive
  // numbers, t->seq being the first; they count as in flight until End.
  bool Stamp(Ticket* t, bool mutation, bool bypass_gate, Waiter w, uint64_t seqs = 1);
  uint64_t AckedBelow() const;
  void EndMutation(uint64_t seq);

  // A call saw "unknown session" with ticket `t`. Returns true if the caller
  // must start recovery (it is now marked running); false if `w` was parked
  // or, when the generation already moved on, will run at once (in the
  // caller's thread, after this returns) — see RunIfStale.
  enum class LostAction { kStartRecovery, kParked, kRetryNow };
  LostAction OnSessionLost(const Ticket& t, Waiter w);
  // Ends recovery and returns the parked waiters (the caller runs them).
  std::vector<Waiter> EndRecovery();

  uint64_t AddHandle(uint64_t ino, uint32_t flags, uint64_t server_fh);
  // The server handle behind a local one; nullopt if unknown or lost.
  std::optional<uint64_t> ServerFh(uint64_t local) const;
  void RemoveHandle(uint64_t local);
  std::vector<OpenHandle> Handles() const;
  void RebindHandle(uint64_t local, std::optional<uint64_t> server_fh);

 private:
  mutable std::mutex mu_;
  uint64_t id_ = 0;
  uint64_t generation_ = 0;
  uint64_t next_seq_ = 1;
  std::set<uint64_t> in_flight_;
  bool recovering_ = false;
  std::vector<Waiter> waiters_;
  uint64_t next_local_ = 1;
  std::map<uint64_t, OpenHandle> handles_;
};

}  // namespace rpuffs::remote
