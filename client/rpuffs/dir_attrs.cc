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
    if (Ctime(attr) >= Ctime(it->second)) it->second = attr;
    return;
  }
  if (attrs_.size() >= kMaxDirs) attrs_.clear();  // only a cache
  attrs_.emplace(attr.ino(), attr);
}

const ::rpuffs::v1::Attr* DirAttrs::Find(uint64_t dir) const {
  auto it = attrs_.find(dir);
  return it == attrs_.end() ? nullptr : &it->second;
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
  it->second.mutable_mtime()->set_sec(now.tv_sec);
  it->second.mutable_mtime()->set_nsec(static_cast<uint32_t>(now.tv_nsec));
  *it->second.mutable_ctime() = it->second.mtime();
  return true;
}

void DirAttrs::Clear() {
  attrs_.clear();
  ++epoch_;
}

}  // namespace rpuffs::client
