// Extended attributes: straight to the server (the framework answers size
// queries and ERANGE from the whole value).
#include "client/remote/rpcs.h"
#include "client/rpuffs/fs_ops.h"

namespace rpuffs::client {

using puffs::Request;

void AddXattrOps(RemoteFs& fs, puffs::Ops* ops) {
  ops->setxattr = [&fs](Request& r, Ino ino, const std::string& name, const std::string& value,
                        int flags) {
    v1::SetXattrRequest req;
    req.set_ino(fs.ToServer(ino));
    req.set_name(name);
    req.set_value(value);
    req.set_flags(static_cast<uint32_t>(flags));
    return fs.Rpc(r, remote::kSetXattr, std::move(req), static_cast<v1::ErrReply*>(nullptr));
  };
  ops->getxattr = [&fs](Request& r, Ino ino, const std::string& name, std::string* value) {
    v1::GetXattrRequest req;
    req.set_ino(fs.ToServer(ino));
    req.set_name(name);
    v1::GetXattrReply rep;
    if (int err = fs.Rpc(r, remote::kGetXattr, std::move(req), &rep); err != 0) return err;
    value->swap(*rep.mutable_value());
    return 0;
  };
  ops->listxattr = [&fs](Request& r, Ino ino, std::vector<std::string>* names) {
    v1::ListXattrRequest req;
    req.set_ino(fs.ToServer(ino));
    v1::ListXattrReply rep;
    if (int err = fs.Rpc(r, remote::kListXattr, std::move(req), &rep); err != 0) return err;
    names->assign(rep.names().begin(), rep.names().end());
    return 0;
  };
  ops->removexattr = [&fs](Request& r, Ino ino, const std::string& name) {
    v1::RemoveXattrRequest req;
    req.set_ino(fs.ToServer(ino));
    req.set_name(name);
    return fs.Rpc(r, remote::kRemoveXattr, std::move(req), static_cast<v1::ErrReply*>(nullptr));
  };
}

}  // namespace rpuffs::client
