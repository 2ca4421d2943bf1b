// Mkdir: a directory with nlink 2; the parent gains a link ("..").
#include <sys/stat.h>

#include <cerrno>

#include "storage/volume_impl.h"

namespace rpuffs::storage {

Result<Attr> VolumeImpl::Mkdir(const OpId& op, const Caller& c, Ino parent, std::string_view name, uint32_t mode) {
  if (Status s = CheckName(name); !s.ok()) return s;
  if (IsDotName(name)) return Status(EEXIST);
  Inode proto;
  proto.mode = S_IFDIR | (mode & 07777);
  return AttrOf(RunLocked(op, [&] { return std::vector<Ino>{parent}; },
                          [&](Mutation& m) { return MakeNode(m, c, parent, name, proto); }));
}

}  // namespace rpuffs::storage
