#include "storage/locks.h"

#include <algorithm>

namespace rpuffs::storage {

LockSet::LockSet(StripedLocks& locks, std::vector<uint64_t> inos) : locks_(locks) {
  for (uint64_t ino : inos)
    if (ino != 0) held_.push_back(StripedLocks::StripeOf(ino));
  std::sort(held_.begin(), held_.end());
  held_.erase(std::unique(held_.begin(), held_.end()), held_.end());
  for (size_t s : held_) locks_.Stripe(s).lock();
}

LockSet::~LockSet() {
  for (auto it = held_.rbegin(); it != held_.rend(); ++it) locks_.Stripe(*it).unlock();
}

}  // namespace rpuffs::storage
