#include "client/rpuffs/dir_cache.h"

#include <algorithm>

namespace rpuffs::client {
namespace {

constexpr double kMaxTtl = 1e7;  // seconds; keeps time_point arithmetic far from overflow

}  // namespace

DirCache::DirCache(double ttl_seconds, Limits limits)
    : ttl_(ttl_seconds > 0 ? std::min(ttl_seconds, kMaxTtl) : 0), limits_(limits) {}

DirCache::Known* DirCache::Find(uint64_t dir) {
  auto it = dirs_.find(dir);
  if (it == dirs_.end()) return nullptr;
  if (Clock::now() >= it->second.expires) {
    Erase(dir);
    return nullptr;
  }
  lru_.splice(lru_.begin(), lru_, it->second.lru);
  return &it->second;
}

void DirCache::Put(uint64_t dir, Clock::time_point since,
                   std::unordered_set<std::string> names) {
  Erase(dir);
  auto expires = watching_ ? Clock::time_point::max()
                           : since + std::chrono::duration_cast<Clock::duration>(ttl_);
  if (!enabled() || names.size() > limits_.max_names || limits_.max_dirs == 0 ||
      Clock::now() >= expires) {
    return;
  }
  while (dirs_.size() >= limits_.max_dirs) Erase(lru_.back());
  lru_.push_front(dir);
  dirs_.emplace(dir, Known{since, expires, std::move(names), lru_.begin()});
}

void DirCache::Erase(uint64_t dir) {
  auto it = dirs_.find(dir);
  if (it == dirs_.end()) return;
  lru_.erase(it->second.lru);
  dirs_.erase(it);
}

void DirCache::Clear() {
  dirs_.clear();
  lru_.clear();
  for (uint64_t& e : epochs_) ++e;
}

bool DirCache::Absent(uint64_t dir, const std::string& name, double* remaining) {
  Known* k = Find(dir);
  if (k == nullptr || k->names.count(name) != 0) return false;
  *remaining = std::chrono::duration<double>(k->expires - Clock::now()).count();
  return *remaining > 0;
}

void DirCache::Establish(uint64_t dir, uint64_t epoch, Clock::time_point sent,
                         std::vector<std::string> names) {
  if (!enabled() || Epoch(dir) != epoch) return;
  Put(dir, sent, std::unordered_set<std::string>(names.begin(), names.end()));
}

void DirCache::Created(uint64_t dir, Clock::time_point sent) {
  Bump(dir);
  Put(dir, sent, {});
}

void DirCache::Added(uint64_t dir, const std::string& name) {
  Bump(dir);
  Known* k = Find(dir);
  if (k == nullptr) return;
  k->names.insert(name);
  if (k->names.size() > limits_.max_names) Erase(dir);
}

void DirCache::Removed(uint64_t dir, const std::string& name) {
  Bump(dir);
  if (Known* k = Find(dir)) k->names.erase(name);
}

void DirCache::Drop(uint64_t dir) {
  Bump(dir);
  Erase(dir);
}

void DirCache::Learned(uint64_t dir, const std::string& name, bool exists,
                       Clock::time_point sent) {
  Known* k = Find(dir);
  if (k == nullptr || sent < k->since) return;
  if (!exists) {
    k->names.erase(name);
    return;
  }
  k->names.insert(name);
  if (k->names.size() > limits_.max_names) Erase(dir);
}

}  // namespace rpuffs::client
