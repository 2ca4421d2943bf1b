// Ops that create, remove or rename directory entries, and lookup.
#include <cerrno>

#include "client/remote/rpcs.h"
#include "client/rpuffs/fs_ops.h"

namespace rpuffs::client {
namespace {

using puffs::Entry;
using puffs::Request;

// Requests that answer with an EntryReply share the tail.
template <class Req>
int EntryCall(RemoteFs& fs, Request& r, const remote::Rpc<Req, v1::EntryReply>& rpc, Req req,
              Entry* out) {
  v1::EntryReply rep;
  if (int err = fs.Rpc(r, rpc, std::move(req), &rep); err != 0) return err;
  return fs.FillEntry(rpc.name, rep.attr(), out);
}

template <class Req>
int NameCall(RemoteFs& fs, Request& r, const remote::Rpc<Req, v1::ErrReply>& rpc, Ino parent,
             const std::string& name) {
  Req req;
  req.set_parent(fs.ToServer(parent));
  req.set_name(name);
  return fs.Rpc(r, rpc, std::move(req), static_cast<v1::ErrReply*>(nullptr));
}

}  // namespace

void AddEntryOps(RemoteFs& fs, puffs::Ops* ops) {
  ops->lookup = [&fs](Request& r, Ino parent, const std::string& name, Entry* out) {
    v1::LookupRequest req;
    req.set_parent(fs.ToServer(parent));
    req.set_name(name);
    int err = EntryCall(fs, r, remote::kLookup, std::move(req), out);
    // A negative entry: the kernel trusts "no such name" for entry_timeout,
    // like any other name (another mount's create shows within that time).
    if (err == ENOENT && fs.settings().entry_timeout > 0) {
      *out = puffs::Entry{};
      out->entry_timeout = fs.settings().entry_timeout;
      return 0;
    }
    return err;
  };
  ops->mknod = [&fs](Request& r, Ino parent, const std::string& name, mode_t mode, dev_t rdev,
                     Entry* out) {
    v1::MknodRequest req;
    req.set_parent(fs.ToServer(parent));
    req.set_name(name);
    req.set_mode(mode);
    req.set_rdev(rdev);
    return EntryCall(fs, r, remote::kMknod, std::move(req), out);
  };
  ops->mkdir = [&fs](Request& r, Ino parent, const std::string& name, mode_t mode, Entry* out) {
    v1::MkdirRequest req;
    req.set_parent(fs.ToServer(parent));
    req.set_name(name);
    req.set_mode(mode);
    return EntryCall(fs, r, remote::kMkdir, std::move(req), out);
  };
  ops->symlink = [&fs](Request& r, const std::string& target, Ino parent, const std::string& name,
                       Entry* out) {
    v1::SymlinkRequest req;
    req.set_parent(fs.ToServer(parent));
    req.set_name(name);
    req.set_target(target);
    return EntryCall(fs, r, remote::kSymlink, std::move(req), out);
  };
  ops->link = [&fs](Request& r, Ino ino, Ino new_parent, const std::string& new_name, Entry* out) {
    v1::LinkRequest req;
    req.set_ino(fs.ToServer(ino));
    req.set_new_parent(fs.ToServer(new_parent));
    req.set_new_name(new_name);
    return EntryCall(fs, r, remote::kLink, std::move(req), out);
  };
  ops->unlink = [&fs](Request& r, Ino parent, const std::string& name) {
    return NameCall<v1::UnlinkRequest>(fs, r, remote::kUnlink, parent, name);
  };
  ops->rmdir = [&fs](Request& r, Ino parent, const std::string& name) {
    return NameCall<v1::RmdirRequest>(fs, r, remote::kRmdir, parent, name);
  };
  ops->rename = [&fs](Request& r, Ino parent, const std::string& name, Ino new_parent,
                      const std::string& new_name, unsigned int flags) {
    v1::RenameRequest req;
    req.set_parent(fs.ToServer(parent));
    req.set_name(name);
    req.set_new_parent(fs.ToServer(new_parent));
    req.set_new_name(new_name);
    req.set_flags(flags);
    return fs.Rpc(r, remote::kRename, std::move(req), static_cast<v1::ErrReply*>(nullptr));
  };
}

}  // namespace rpuffs::client
