// client/rpuffs — DirAttrs: a directory's attributes as the reply of this
// mount's own entry change in it (create, mknod, mkdir, symlink, link: the
// reply's `parent`) or a lookup, mkdir or GETATTR of it reported them, so the GETATTR the
// kernel sends for the directory after each entry change (it drops a
// directory's attributes every time) is answered without a round trip.
//
// Trusted only while the server's watch is up and only from replies that no
// change notice crossed (RemoteFs's race rule): another mount's change to
// the directory arrives as a notice and Drop()s it; loss of the watch
// Clear()s everything. Every other change this mount makes to a directory
// (rename, setattr, xattrs, a failed or interrupted create; unlink and
// rmdir replies carry the attributes) Drop()s it too — before the call and
// again after it, so that a concurrent create's reply, read before the
// change committed, cannot be kept once the change is done. A reply is kept only if nothing was dropped while its
// call was in flight (Epoch() read before sending), and never replaces
// attributes with an older ctime (replies of concurrent creates may arrive
// out of order). Bounded; keyed by server inode number. Loop thread only.
#pragma once

#include <cstdint>
#include <unordered_map>

#include "proto/rpuffs.pb.h"

namespace rpuffs::client {

class DirAttrs {
 public:
  uint64_t Epoch() const { return epoch_; }
  // `attr` of a directory from a reply whose call was sent at `epoch_at_send`.
  void Store(const ::rpuffs::v1::Attr& attr, uint64_t epoch_at_send);
  // The attributes kept for `dir`, or nullptr.
  const ::rpuffs::v1::Attr* Find(uint64_t dir) const;
  void Drop(uint64_t dir);
  void Clear();
  // This mount changed an entry of `dir` without asking the server yet (a
  // held unlink): its mtime and ctime become this machine's now. False if
  // nothing is kept for it. The next reply Store()d replaces these times
  // whatever its ctime (the two clocks may differ).
  bool Touch(uint64_t dir);

 private:
  static constexpr size_t kMaxDirs = 4096;
  struct Kept {
    ::rpuffs::v1::Attr attr;
    bool predicted = false;  // times from this machine's clock (Touch): any reply replaces them
  };
  uint64_t epoch_ = 0;
  std::unordered_map<uint64_t, Kept> attrs_;
};

}  // namespace rpuffs::client
