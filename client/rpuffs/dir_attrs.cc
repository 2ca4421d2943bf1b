#include "client/rpuffs/dir_attrs.h"

#include <time.h>

#include <tuple>

namespace rpuffs::client {
namespace {

auto Ctime(const ::rpuffs::v1::Attr& a) { return std::make_tuple(a.ctime().sec(), a.ctime().nsec()); }

}  // namespace

void DirAttrs::Store(const ::rpuffs::v1::Attr& attr, uint64_t epoch_at_send) {
  if (epoch_at_send != epoch_ || attr.ino() == 0) return;
  auto it = attrs_.find(attr.ino());
  if (it != attrs_.end()) {
    if (it->second.predicted || Ctime(attr) >= Ctime(it->second.attr)) it->second = Kept{attr, false};
    return;
  }
  if (attrs_.size() >= kMaxDirs) attrs_.clear();  // only a cache
  attrs_.emplace(attr.ino(), Kept{attr, false});
}

const ::rpuffs::v1::Attr* DirAttrs::Find(uint64_t dir) const {
  auto it = attrs_.find(dir);
  return it == attrs_.end() ? nullptr : &it->second.attr;
}

void DirAttrs::Drop(uint64_t dir) {
  attrs_.erase(dir);
  ++epoch_;
}

bool DirAttrs::Touch(uint64_t dir) {
  auto it = attrs_.find(dir);
  if (it == attrs_.end()) return false;
  timespec now{};
  clock_gettime(CLOCK_REALTIME, &now);
  ::rpuffs::v1::Attr& a = it->second.attr;
  a.mutable_mtime()->set_sec(now.tv_sec);
  a.mutable_mtime()->set_nsec(static_cast<uint32_t>(now.tv_nsec));
  *a.mutable_ctime() = a.mtime();
  it->second.predicted = true;
  return true;
}

void DirAttrs::Clear() {
  attrs_.clear();
  ++epoch_;
}

}  // namespace rpuffs::client
