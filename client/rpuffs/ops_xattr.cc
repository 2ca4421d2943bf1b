// Extended attributes, straight to the server (the framework answers size
// queries and ERANGE from the whole value, and EOPNOTSUPP for POSIX ACLs and
// security.selinux, which never reach these ops) — except the probes the
// kernel and tools make on every file (security.capability before a write,
// other security.* and system.* names): their absence is answered from the
// inode's name list, trusted like any other
// attribute: attr_timeout, or cache_timeout while the watch is up (then
// another mount's change notice drops it at once). Names in those
// namespaces are listed for every caller, so one list serves all.
//
// Where a list comes from, cheapest first:
// - a file this mount just created has an empty one;
// - attributes handed to the kernel (lookup, readdirplus, getattr...) that
//   say XATTRS_NONE seed an empty one: `ls -l` after a READDIRPLUS asks the
//   server nothing. Not from a reply that crossed a change notice, nor while
//   (or for grace + kHoldMargin after) this mount changes the inode's
//   xattrs: a reply read before that change committed can arrive after it,
//   and we cannot tell when a reply was sent. SOME drops a cached empty list;
// - otherwise one ListXattr, kept only if no change by this mount (or
//   notice) crossed it (the generation rule).
//
// With -d, each GetXattr/ListXattr sent to the server is logged
// (`event=rpc method=...`); tests count those lines.
#include <spdlog/spdlog.h>

#include <chrono>
#include <unordered_map>

#include "client/remote/rpcs.h"
#include "client/rpuffs/fs_ops.h"

namespace rpuffs::client {
namespace {

using puffs::Request;
using Clock = std::chrono::steady_clock;

// Beyond the calls' deadline (grace): the time a completed reply may take
// to reach its continuation on the loop.
constexpr auto kHoldMargin = std::chrono::seconds(10);

bool IsProbedName(const std::string& name) {
  return name.rfind("security.", 0) == 0 || name.rfind("system.", 0) == 0;
}

class XattrNames {
 public:
  explicit XattrNames(Clock::duration hold) : hold_(hold) {}

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

  // This mount changes `ino`'s xattrs: Begin() before the call, End() after.
  void Begin(uint64_t ino) {
    Changed(ino);
    ++changing_[ino];
  }
  void End(uint64_t ino) {
    Changed(ino);
    if (--changing_[ino] == 0) changing_.erase(ino);
    if (held_.size() >= kPruneAt) Prune();
    held_[ino] = Clock::now() + hold_;
  }
  // What attributes handed to the kernel said (see the file comment).
  void Seed(uint64_t ino, v1::XattrPresence presence, double ttl_seconds) {
    if (presence == v1::XATTRS_SOME) {
      auto it = lists_.find(ino);
      if (it != lists_.end() && it->second.names.empty()) lists_.erase(it);
      return;
    }
    if (presence != v1::XATTRS_NONE || changing_.count(ino) != 0) return;
    auto held = held_.find(ino);
    if (held != held_.end()) {
      if (Clock::now() < held->second) return;
      held_.erase(held);
    }
    Store(ino, Generation(ino), {}, ttl_seconds);
  }

 private:
  static constexpr size_t kPruneAt = 4096;
  struct Entry {
    std::vector<std::string> names;
    Clock::time_point expiry;
  };
  void Prune() {
    auto now = Clock::now();
    for (auto it = held_.begin(); it != held_.end();) it = now >= it->second ? held_.erase(it) : std::next(it);
  }
  Clock::duration hold_;
  std::unordered_map<uint64_t, Entry> lists_;
  std::unordered_map<uint64_t, uint64_t> generations_;
  uint64_t all_generation_ = 0;
  std::unordered_map<uint64_t, int> changing_;             // calls in flight
  std::unordered_map<uint64_t, Clock::time_point> held_;  // no seeding before
};

int ListNames(RemoteFs& fs, Request& r, Ino ino, std::vector<std::string>* names) {
  spdlog::debug("event=rpc method=ListXattr ino={}", ino);
  v1::ListXattrRequest req;
  req.set_ino(fs.ToServer(ino));
  v1::ListXattrReply rep;
  if (int err = fs.Rpc(r, remote::kListXattr, std::move(req), &rep); err != 0) return err;
  names->assign(rep.names().begin(), rep.names().end());
  return 0;
}

// setxattr and removexattr: the change, bracketed by Begin/End.
template <class Req>
int Change(RemoteFs& fs, XattrNames& cache, Request& r, const remote::Rpc<Req, v1::ErrReply>& rpc, Ino ino,
           Req req) {
  cache.Begin(ino);
  fs.dir_attrs().Drop(fs.ToServer(ino));  // its ctime changes
  req.set_ino(fs.ToServer(ino));
  int err = fs.Rpc(r, rpc, std::move(req), static_cast<v1::ErrReply*>(nullptr));
  cache.End(ino);
  fs.dir_attrs().Drop(fs.ToServer(ino));  // also drops a list fetched while the change was in flight
  return err;
}

}  // namespace

void AddXattrOps(RemoteFs& fs, puffs::Ops* ops) {
  auto cache = std::make_shared<XattrNames>(fs.volume().options().grace + kHoldMargin);
  // Another mount's change (watch notice): the list is stale.
  fs.OnNotice([cache](Ino ino) { ino == 0 ? cache->ChangedAll() : cache->Changed(ino); });
  // A file this mount just created has no xattrs: the kernel's
  // security.capability probes before its first write and chown need no call.
  fs.OnCreated([&fs, cache](Ino ino) {
    cache->Store(ino, cache->Generation(ino), {}, fs.TrustFor(fs.settings().attr_timeout));
  });
  // Runs right after the reply's Rpc(): reply_fresh() is about that reply.
  fs.OnAttr([&fs, cache](Ino ino, const v1::Attr& attr, double trust) {
    if (fs.reply_fresh()) cache->Seed(ino, attr.xattrs(), trust);
  });
  ops->setxattr = [&fs, cache](Request& r, Ino ino, const std::string& name,
                               const std::string& value, int flags) {
    v1::SetXattrRequest req;
    req.set_name(name);
    req.set_value(value);
    req.set_flags(static_cast<uint32_t>(flags));
    return Change(fs, *cache, r, remote::kSetXattr, ino, std::move(req));
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
    spdlog::debug("event=rpc method=GetXattr ino={} name={}", ino, name);
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
    v1::RemoveXattrRequest req;
    req.set_name(name);
    return Change(fs, *cache, r, remote::kRemoveXattr, ino, std::move(req));
  };
}

}  // namespace rpuffs::client
