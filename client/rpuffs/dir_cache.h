// client/rpuffs — DirCache: the directories this mount knows completely, so
// a lookup of a name absent from one is answered ENOENT without a round trip.
//
// Knowledge of a directory is established when this mount creates it (the
// mkdir reply: complete and empty) or lists it from offset 0 to eof with no
// change by this mount in between (Epoch()/Establish()). It is kept up to
// date by this mount's own replies (Added, Removed); any error or unknown
// outcome of a change must Drop() it. It is trusted for `ttl` seconds from
// the moment the request that established it was sent (so a change by
// another mount after that moment shows within ttl), then forgotten.
// ttl <= 0 disables the cache: every query answers "unknown".
//
// While the server's watch is up (set_watching(true)), knowledge
// established from then on does not expire: the watch's notices keep it
// right instead (a changed name is Added: "ask the server"; a changed
// directory is Dropped). Clear() forgets everything and moves every epoch
// (listings in flight are not kept); call it whenever the watch starts,
// stops or overflows.
//
// Bounded: at most max_dirs directories (least recently used evicted) and
// max_names names per directory (a bigger one is simply not cached).
// Directories are keyed by server inode number. Loop-thread only; no call
// suspends.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <list>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace rpuffs::client {

struct DirCacheLimits {
  size_t max_dirs = 4096;
  size_t max_names = 65536;
};

class DirCache {
 public:
  using Clock = std::chrono::steady_clock;
  using Limits = DirCacheLimits;

  explicit DirCache(double ttl_seconds, Limits limits = Limits());

  bool enabled() const { return ttl_.count() > 0; }
  void set_watching(bool watching) { watching_ = watching; }
  bool watching() const { return watching_; }
  void Clear();

  // True if `dir` is known complete, still valid and has no `name`; then
  // *remaining is how long (seconds, > 0) that knowledge stays valid.
  bool Absent(uint64_t dir, const std::string& name, double* remaining);

  // A counter that changes whenever this mount changes or drops `dir`
  // (shared between some directories: a change may be reported spuriously,
  // never missed). Read it before listing; pass it to Establish.
  uint64_t Epoch(uint64_t dir) const { return epochs_[Slot(dir)]; }
  // A complete listing whose first request was sent at `sent`. Ignored when
  // Epoch(dir) moved since `epoch` or the listing is over the name cap.
  void Establish(uint64_t dir, uint64_t epoch, Clock::time_point sent,
                 std::vector<std::string> names);
  // This mount created `dir` (the request was sent at `sent`): empty.
  void Created(uint64_t dir, Clock::time_point sent);

  // This mount's change succeeded: `name` now exists / no longer exists.
  void Added(uint64_t dir, const std::string& name);
  void Removed(uint64_t dir, const std::string& name);
  // The outcome of a change of `dir` is unknown: forget it.
  void Drop(uint64_t dir);
  // What a lookup round trip sent at `sent` found; changes no epoch
  // (nothing changed). Ignored if the knowledge is newer than the question.
  void Learned(uint64_t dir, const std::string& name, bool exists, Clock::time_point sent);

  size_t size() const { return dirs_.size(); }

 private:
  struct Known {
    Clock::time_point since;  // when the request that established it was sent
    Clock::time_point expires;
    std::unordered_set<std::string> names;
    std::list<uint64_t>::iterator lru;
  };
  static constexpr size_t kEpochSlots = 1024;
  static size_t Slot(uint64_t dir) { return dir % kEpochSlots; }

  // The valid entry for `dir` (made most recent), or nullptr (expired ones erased).
  Known* Find(uint64_t dir);
  void Put(uint64_t dir, Clock::time_point since, std::unordered_set<std::string> names);
  void Erase(uint64_t dir);
  void Bump(uint64_t dir) { ++epochs_[Slot(dir)]; }

  std::chrono::duration<double> ttl_;
  bool watching_ = false;
  Limits limits_;
  std::unordered_map<uint64_t, Known> dirs_;
  std::list<uint64_t> lru_;  // most recent first
  std::array<uint64_t, kEpochSlots> epochs_{};
};

}  // namespace rpuffs::client
