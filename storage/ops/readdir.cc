// Readdir: "." and ".." (cookies 1 and 2), then entries in name-hash order;
// each entry's cookie is its hash, so resuming after any cookie is one seek
// and survives concurrent creates and deletes.
#include <sys/stat.h>

#include <cerrno>

#include "storage/access.h"
#include "storage/keys.h"
#include "storage/volume_impl.h"

namespace rpuffs::storage {
namespace {

constexpr uint32_t kMaxReaddirEntries = 4096;

}  // namespace

Result<ReaddirOut> VolumeImpl::Readdir(const Caller& c, Ino ino, uint64_t offset, uint32_t max_entries, bool plus) {
  if (max_entries == 0 || max_entries > kMaxReaddirEntries) max_entries = kMaxReaddirEntries;
  Inode dir;
  if (Status s = LoadDir(c, ino, kMayRead, &dir); !s.ok()) return s;
  ReaddirOut out;
  if (offset >= (1ull << 62)) {  // past every cookie
    out.eof = true;
    return out;
  }
  auto add_dot = [&](const char* name, uint64_t cookie, Ino target) -> Status {
    DirEntry e{name, target, S_IFDIR, cookie, {}};
    if (plus) {
      Inode inode;
      if (Status s = LoadInode(target, &inode); !s.ok()) return s;
      e.attr = inode.ToAttr(block_size());
    }
    out.entries.push_back(std::move(e));
    return Status::Ok();
  };
  if (offset < kDotCookie)
    if (Status s = add_dot(".", kDotCookie, ino); !s.ok()) return s;
  if (offset < kDotDotCookie && out.entries.size() < max_entries)
    if (Status s = add_dot("..", kDotDotCookie, dir.parent); !s.ok()) return s;
  std::string end = Key1(KeyTag::kDentry, ino + 1);
  rocksdb::ReadOptions ro;
  rocksdb::Slice upper(end);
  ro.iterate_upper_bound = &upper;
  std::unique_ptr<rocksdb::Iterator> it(db_->db()->NewIterator(ro, db_->meta()));
  uint64_t after = offset < kDotDotCookie ? kDotDotCookie : offset;
  for (it->Seek(Key2(KeyTag::kDentry, ino, after + 1)); it->Valid(); it->Next()) {
    if (out.entries.size() >= max_entries) return out;
    DentryKeyParts key;
    DentryValue value;
    std::string_view k(it->key().data(), it->key().size());
    if (!ParseDentryKey(k, &key) || !DecodeDentry(std::string_view(it->value().data(), it->value().size()), &value))
      return Status(EIO, "corrupt dentry");
    DirEntry e{std::string(key.name), value.ino, value.type, key.hash, {}};
    if (plus) {
      Inode inode;
      Status s = LoadInode(value.ino, &inode);
      if (s.err() == ESTALE) continue;  // removed since the iterator started
      if (!s.ok()) return s;
      e.attr = inode.ToAttr(block_size());
    }
    out.entries.push_back(std::move(e));
  }
  if (Status s = FromRocks(it->status()); !s.ok()) return s;
  out.eof = true;
  return out;
}

}  // namespace rpuffs::storage
