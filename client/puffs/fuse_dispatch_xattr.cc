#include <algorithm>
#include <cerrno>
#include <cstring>

#include "client/puffs/fuse_dispatch.h"
#include "client/puffs/fuse_request.h"

namespace rpuffs::puffs::dispatch {
namespace {

// The kernel asks with size 0 for the length, else for the bytes, which
// must fit in `size` (ERANGE otherwise).
void ReplySized(FuseRequest& r, const std::string& bytes, size_t size) {
  if (size == 0) return r.ReplyXattrSize(bytes.size());
  if (bytes.size() > size) return r.ReplyErr(ERANGE);
  r.ReplyBuf(0, bytes.data(), bytes.size());
}

}  // namespace

bool UnusedXattrName(const char* name) {
  return std::strcmp(name, "system.posix_acl_access") == 0 ||
         std::strcmp(name, "system.posix_acl_default") == 0 || std::strcmp(name, "security.selinux") == 0;
}

void Setxattr(fuse_req_t req, fuse_ino_t ino, const char* name, const char* value, size_t size,
              int flags) {
  Dispatch(req, "setxattr", [&](FuseRequest& r) {
    if (UnusedXattrName(name)) return r.ReplyErr(EOPNOTSUPP);
    r.ReplyErr(r.ops().setxattr(r, ino, name, std::string(value, size), flags));
  });
}

void Getxattr(fuse_req_t req, fuse_ino_t ino, const char* name, size_t size) {
  Dispatch(req, "getxattr", [&](FuseRequest& r) {
    if (UnusedXattrName(name)) return r.ReplyErr(EOPNOTSUPP);
    std::string value;
    int err = r.ops().getxattr(r, ino, name, &value);
    if (err != 0) return r.ReplyErr(err);
    ReplySized(r, value, size);
  });
}

void Listxattr(fuse_req_t req, fuse_ino_t ino, size_t size) {
  Dispatch(req, "listxattr", [&](FuseRequest& r) {
    std::vector<std::string> names;
    int err = r.ops().listxattr(r, ino, &names);
    if (err != 0) return r.ReplyErr(err);
    // Such names may be stored by an earlier version: what get refuses is not listed.
    names.erase(std::remove_if(names.begin(), names.end(),
                               [](const std::string& n) { return UnusedXattrName(n.c_str()); }),
                names.end());
    std::string packed;
    for (const auto& n : names) {
      packed += n;
      packed.push_back('\0');
    }
    ReplySized(r, packed, size);
  });
}

void Removexattr(fuse_req_t req, fuse_ino_t ino, const char* name) {
  // Removing one still reaches the filesystem: what an earlier version
  // stored can be cleaned up (ENODATA when there is none).
  Dispatch(req, "removexattr", [&](FuseRequest& r) { r.ReplyErr(r.ops().removexattr(r, ino, name)); });
}

}  // namespace rpuffs::puffs::dispatch
