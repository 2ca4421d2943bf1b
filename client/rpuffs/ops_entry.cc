// Ops that create, remove or rename directory entries, and lookup. Each
// change tells the mount's DirCache what it did to the names of its
// directories; an error (including an interrupted call, whose outcome is
// unknown) drops what the cache knew of them.
#include <linux/fs.h>
#include <sys/stat.h>
#include <spdlog/spdlog.h>

#include <cerrno>
#include <climits>

#include "client/remote/rpcs.h"
#include "client/rpuffs/fs_ops.h"

namespace rpuffs::client {
namespace {

using puffs::Entry;
using puffs::Request;

// Requests that answer with an EntryReply share the tail.
// `name` in `parent` is what the reply's entry will be cached as.
template <class Req>
int EntryCall(RemoteFs& fs, Request& r, const remote::Rpc<Req, v1::EntryReply>& rpc, Req req,
              Ino parent, const std::string& name, Entry* out) {
  v1::EntryReply rep;
  uint64_t epoch = fs.dir_attrs().Epoch();
  if (int err = fs.Rpc(r, rpc, std::move(req), &rep); err != 0) return err;
  if (rep.has_parent()) fs.SawParent(rep.parent(), epoch);
  // A directory found or made: its own attributes too (dir_attrs.h).
  if (S_ISDIR(rep.attr().mode())) fs.SawParent(rep.attr(), epoch);
  return fs.FillEntry(rpc.name, rep.attr(), parent, name, out);
}

template <class Req>
int NameCall(RemoteFs& fs, Request& r, const remote::Rpc<Req, v1::ErrReply>& rpc, Ino parent,
             const std::string& name) {
  Req req;
  req.set_parent(fs.ToServer(parent));
  req.set_name(name);
  v1::ErrReply rep;
  uint64_t epoch = fs.dir_attrs().Epoch();
  int err = fs.Rpc(r, rpc, std::move(req), &rep);
  if (err == 0 && rep.has_parent()) {
    fs.SawParent(rep.parent(), epoch);
  } else {
    fs.dir_attrs().Drop(fs.ToServer(parent));
  }
  return err;
}

// After a change of `name` in `parent` that returned `err`: on success the
// name now `exists` (or no longer does); on any error the outcome is unknown.
// A reply that crossed another mount's change notice may predate that
// change: the name's state is then unknown too.
int AfterChange(RemoteFs& fs, Ino parent, const std::string& name, bool exists, int err) {
  uint64_t dir = fs.ToServer(parent);
  // The reply told the directory's attributes (EntryCall, NameCall); a
  // failure's did not.
  if (err != 0) fs.dir_attrs().Drop(dir);
  if (err != 0 || !fs.reply_fresh()) {
    fs.dirs().Drop(dir);
  } else if (exists) {
    fs.dirs().Added(dir, name);
  } else {
    fs.dirs().Removed(dir, name);
  }
  return err;
}

int AfterAdd(RemoteFs& fs, Ino parent, const std::string& name, int err) {
  return AfterChange(fs, parent, name, true, err);
}

int AfterRemove(RemoteFs& fs, Ino parent, const std::string& name, int err) {
  return AfterChange(fs, parent, name, false, err);
}

int AfterRename(RemoteFs& fs, Ino parent, const std::string& name, Ino new_parent,
                const std::string& new_name, unsigned int flags, int err) {
  // Both directories changed, and so did a moved directory's ctime.
  fs.dir_attrs().Clear();
  if (err != 0 || !fs.reply_fresh()) {
    fs.dirs().Drop(fs.ToServer(parent));
    fs.dirs().Drop(fs.ToServer(new_parent));
    return err;
  }
  if ((flags & RENAME_EXCHANGE) != 0) {
    // Both names still exist; only what they name changed.
    fs.dirs().Added(fs.ToServer(parent), name);
    fs.dirs().Added(fs.ToServer(new_parent), new_name);
    return 0;
  }
  if ((flags & RENAME_WHITEOUT) != 0) {
    fs.dirs().Added(fs.ToServer(parent), name);  // the whiteout takes its place
  } else {
    fs.dirs().Removed(fs.ToServer(parent), name);
  }
  fs.dirs().Added(fs.ToServer(new_parent), new_name);
  return 0;
}

// Would the server answer ENOENT for `name` if it is not in `parent`? Not
// if the name breaks its rules, nor if it may refuse the caller (EACCES).
bool AnswerableLocally(RemoteFs& fs, Request& r, const std::string& name) {
  if (name.empty() || name.size() > NAME_MAX || name.find('/') != std::string::npos ||
      name.find('\0') != std::string::npos) {
    return false;
  }
  return fs.settings().kernel_checks_permissions || r.caller().uid == 0;
}

int Lookup(RemoteFs& fs, Request& r, Ino parent, const std::string& name, Entry* out) {
  double remaining = 0;
  if (AnswerableLocally(fs, r, name) && fs.dirs().Absent(fs.ToServer(parent), name, &remaining)) {
    // Known complete: the kernel may trust "no such name" as long as we do.
    *out = puffs::Entry{};
    out->entry_timeout = fs.KnownAbsentTimeout(parent, name, remaining);
    return 0;
  }
  // Tests count these lines (-d) to check which lookups reach the server.
  spdlog::debug("event=rpc method=Lookup parent={} name={}", parent, name);
  v1::LookupRequest req;
  req.set_parent(fs.ToServer(parent));
  req.set_name(name);
  auto sent = DirCache::Clock::now();
  int err = EntryCall(fs, r, remote::kLookup, std::move(req), parent, name, out);
  // A reply that crossed a change notice may predate the change.
  if ((err == 0 || err == ENOENT) && fs.reply_fresh()) {
    fs.dirs().Learned(fs.ToServer(parent), name, err == 0, sent);
  }
  // A negative entry: the kernel trusts "no such name" like any other name
  // (another mount's create shows within entry_timeout, or at its notice).
  if (err == ENOENT && fs.settings().entry_timeout > 0) {
    *out = puffs::Entry{};
    out->entry_timeout = fs.EntryTimeout(parent, name);
    return 0;
  }
  return err;
}

}  // namespace

void AddEntryOps(RemoteFs& fs, puffs::Ops* ops) {
  ops->lookup = [&fs](Request& r, Ino parent, const std::string& name, Entry* out) {
    return Lookup(fs, r, parent, name, out);
  };
  ops->mknod = [&fs](Request& r, Ino parent, const std::string& name, mode_t mode, dev_t rdev,
                     Entry* out) {
    v1::MknodRequest req;
    req.set_parent(fs.ToServer(parent));
    req.set_name(name);
    req.set_mode(mode);
    req.set_rdev(rdev);
    return AfterAdd(fs, parent, name, EntryCall(fs, r, remote::kMknod, std::move(req), parent, name, out));
  };
  ops->mkdir = [&fs](Request& r, Ino parent, const std::string& name, mode_t mode, Entry* out) {
    v1::MkdirRequest req;
    req.set_parent(fs.ToServer(parent));
    req.set_name(name);
    req.set_mode(mode);
    auto sent = DirCache::Clock::now();
    int err = EntryCall(fs, r, remote::kMkdir, std::move(req), parent, name, out);
    // Complete and empty (unless a notice for it may have come first).
    if (err == 0 && fs.reply_fresh()) fs.dirs().Created(fs.ToServer(out->ino), sent);
    return AfterAdd(fs, parent, name, err);
  };
  ops->symlink = [&fs](Request& r, const std::string& target, Ino parent, const std::string& name,
                       Entry* out) {
    v1::SymlinkRequest req;
    req.set_parent(fs.ToServer(parent));
    req.set_name(name);
    req.set_target(target);
    return AfterAdd(fs, parent, name, EntryCall(fs, r, remote::kSymlink, std::move(req), parent, name, out));
  };
  ops->link = [&fs](Request& r, Ino ino, Ino new_parent, const std::string& new_name, Entry* out) {
    v1::LinkRequest req;
    req.set_ino(fs.ToServer(ino));
    req.set_new_parent(fs.ToServer(new_parent));
    req.set_new_name(new_name);
    return AfterAdd(fs, new_parent, new_name,
                    EntryCall(fs, r, remote::kLink, std::move(req), new_parent, new_name, out));
  };
  ops->unlink = [&fs](Request& r, Ino parent, const std::string& name) {
    // rm -rf: held, up to 512 in one round trip (held_ops.h).
    if (fs.HoldUnlink(r, parent, name)) return 0;
    return AfterRemove(fs, parent, name,
                       NameCall<v1::UnlinkRequest>(fs, r, remote::kUnlink, parent, name));
  };
  ops->rmdir = [&fs](Request& r, Ino parent, const std::string& name) {
    fs.dir_attrs().Clear();  // the removed directory's attributes too
    return AfterRemove(fs, parent, name,
                       NameCall<v1::RmdirRequest>(fs, r, remote::kRmdir, parent, name));
  };
  ops->rename = [&fs](Request& r, Ino parent, const std::string& name, Ino new_parent,
                      const std::string& new_name, unsigned int flags) {
    v1::RenameRequest req;
    req.set_parent(fs.ToServer(parent));
    req.set_name(name);
    req.set_new_parent(fs.ToServer(new_parent));
    req.set_new_name(new_name);
    req.set_flags(flags);
    int err = fs.Rpc(r, remote::kRename, std::move(req), static_cast<v1::ErrReply*>(nullptr));
    return AfterRename(fs, parent, name, new_parent, new_name, flags, err);
  };
}

}  // namespace rpuffs::client
