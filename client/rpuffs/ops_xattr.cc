// Extended attributes, straight to the server (the framework answers size
// queries and ERANGE from the whole value) — except the probes `ls -l` and
// `cp` make on every file (security.selinux, system.posix_acl_*): their
// absence is answered from the inode's name list, fetched once and trusted
// like any other attribute: attr_timeout, or cache_timeout while the watch
// is up (then another mount's change notice drops it at once). A file this
// mount just created has an empty list without asking. Names in those namespaces are
// listed for every caller, so one list serves all.
#include <chrono>
#include <unordered_map>

#include "client/remote/rpcs.h"
#include "client/rpuffs/fs_ops.h"

namespace rpuffs::client {
namespace {

using puffs::Request;
using Clock = std::chrono::steady_clock;

bool IsProbedName(const std::string& name) {
  return name.rfind("security.", 0) == 0 || name.rfind("system.", 0) == 0;
}

class XattrNames {
 public:
  XattrNames() = default;

  // True if `name` is known to be absent from `ino` (a fresh list lacks it).
  bool KnownAbsent(uint64_t ino, const std::string& name) const {
    auto it = lists_.find(ino);
    if (it == lists_.end() || Clock::now() >= it->second.expiry) return false;
    for (const auto& n : it->second.names) {
      if (n == name) return false;
    }
    return true;
  }
  bool Fresh(uint64_t ino) const {
    auto it = lists_.find(ino);
    return it != lists_.end() && Clock::now() < it->second.expiry;
  }
  // Changes by this mount bump the inode's generation; a list fetched
  // across one (Store with the older generation) is not kept.
  uint64_t Generation(uint64_t ino) const {
    auto it = generations_.find(ino);
    return all_generation_ + (it == generations_.end() ? 0 : it->second);
  }
  void Store(uint64_t ino, uint64_t generation, std::vector<std::string> names, double ttl_seconds) {
    if (ttl_seconds <= 0 || generation != Generation(ino)) return;
    if (lists_.size() > 100000) lists_.clear();  // bound the memory; it is only a cache
    auto ttl = std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(ttl_seconds));
    lists_[ino] = Entry{std::move(names), Clock::now() + ttl};
  }
  void Changed(uint64_t ino) {
    lists_.erase(ino);
    ++generations_[ino];
  }
  // Everything may have changed: no list fetched before now is kept.
  void ChangedAll() {
    lists_.clear();
    ++all_generation_;
  }

 private:
  struct Entry {
    std::vector<std::string> names;
    Clock::time_point expiry;
  };
  std::unordered_map<uint64_t, Entry> lists_;
  std::unordered_map<uint64_t, uint64_t> generations_;
  uint64_t all_generation_ = 0;
};

int ListNames(RemoteFs& fs, Request& r, Ino ino, std::vector<std::string>* names) {
  v1::ListXattrRequest req;
  req.set_ino(fs.ToServer(ino));
  v1::ListXattrReply rep;
  if (int err = fs.Rpc(r, remote::kListXattr, std::move(req), &rep); err != 0) return err;
  names->assign(rep.names().begin(), rep.names().end());
  return 0;
}

}  // namespace

void AddXattrOps(RemoteFs& fs, puffs::Ops* ops) {
  auto cache = std::make_shared<XattrNames>();
  // Another mount's change (watch notice): the list is stale.
  fs.OnNotice([cache](Ino ino) { ino == 0 ? cache->ChangedAll() : cache->Changed(ino); });
  // A file this mount just created has no xattrs: the kernel's
  // security.capability probes before its first write and chown need no call.
  fs.OnCreated([&fs, cache](Ino ino) {
    cache->Store(ino, cache->Generation(ino), {}, fs.TrustFor(fs.settings().attr_timeout));
  });
  ops->setxattr = [&fs, cache](Request& r, Ino ino, const std::string& name,
                               const std::string& value, int flags) {
    cache->Changed(ino);
    fs.dir_attrs().Drop(fs.ToServer(ino));  // its ctime changes
    v1::SetXattrRequest req;
    req.set_ino(fs.ToServer(ino));
    req.set_name(name);
    req.set_value(value);
    req.set_flags(static_cast<uint32_t>(flags));
    int err = fs.Rpc(r, remote::kSetXattr, std::move(req), static_cast<v1::ErrReply*>(nullptr));
    cache->Changed(ino);
    fs.dir_attrs().Drop(fs.ToServer(ino));  // also drops a list fetched while the change was in flight
    return err;
  };
  ops->getxattr = [&fs, cache](Request& r, Ino ino, const std::string& name, std::string* value) {
    if (IsProbedName(name)) {
      if (!cache->Fresh(ino)) {
        uint64_t generation = cache->Generation(ino);
        std::vector<std::string> names;
        // Kept like attributes: cache_timeout while the watch vouches for it.
        if (ListNames(fs, r, ino, &names) == 0) {
          cache->Store(ino, generation, std::move(names), fs.TrustFor(fs.settings().attr_timeout));
        }
      }
      if (cache->KnownAbsent(ino, name)) return ENODATA;
    }
    v1::GetXattrRequest req;
    req.set_ino(fs.ToServer(ino));
    req.set_name(name);
    v1::GetXattrReply rep;
    if (int err = fs.Rpc(r, remote::kGetXattr, std::move(req), &rep); err != 0) return err;
    value->swap(*rep.mutable_value());
    return 0;
  };
  ops->listxattr = [&fs](Request& r, Ino ino, std::vector<std::string>* names) {
    return ListNames(fs, r, ino, names);
  };
  ops->removexattr = [&fs, cache](Request& r, Ino ino, const std::string& name) {
    cache->Changed(ino);
    fs.dir_attrs().Drop(fs.ToServer(ino));
    v1::RemoveXattrRequest req;
    req.set_ino(fs.ToServer(ino));
    req.set_name(name);
    int err = fs.Rpc(r, remote::kRemoveXattr, std::move(req), static_cast<v1::ErrReply*>(nullptr));
    cache->Changed(ino);
    fs.dir_attrs().Drop(fs.ToServer(ino));
    return err;
  };
}

}  // namespace rpuffs::client
