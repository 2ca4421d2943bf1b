// MemFs ops on open directories: opendir, readdir (plus), releasedir.
#include <unistd.h>

#include "client/memfs/access.h"
#include "client/memfs/memfs.h"

namespace rpuffs::memfs {

int MemFs::Opendir(puffs::Request& req, Ino ino, puffs::OpenFile* fi) {
  Inode* dir = nullptr;
  if (int err = DirFor(req, ino, R_OK, &dir)) return err;
  fi->fh = OpenHandle(*dir, fi->flags);
  return 0;
}

int MemFs::Readdir(puffs::Request& req, Ino ino, uint64_t offset, bool plus, puffs::OpenFile& fi,
                   std::vector<puffs::DirEntry>* out) {
  Inode* dir = table_.Find(ino);
  if (!dir) return ENOENT;
  if (!dir->is_dir()) return ENOTDIR;
  out->clear();
  if (dir->attr.st_nlink == 0) return 0;  // removed while open: nothing left to list
  if (offset < Directory::kDotCookie) {
    out->push_back({".", ino, S_IFDIR, Directory::kDotCookie, std::nullopt});
  }
  if (offset < Directory::kDotDotCookie) {
    out->push_back({"..", dir->parent, S_IFDIR, Directory::kDotDotCookie, std::nullopt});
  }
  const size_t max = plus ? kReaddirPlusBatch : kReaddirBatch;
  dir->entries.ListAfter(offset, max, [&](const std::string& name, const Directory::Child& c) {
    puffs::DirEntry entry{name, c.ino, c.type, c.cookie, std::nullopt};
    if (plus) {
      Inode* node = table_.Find(c.ino);
      entry.entry.emplace();
      FillEntry(*node, &*entry.entry);
    }
    out->push_back(std::move(entry));
  });
  return 0;
}

int MemFs::Releasedir(puffs::Request& req, Ino ino, puffs::OpenFile& fi) {
  CloseHandle(ino, fi.fh);
  return 0;
}

}  // namespace rpuffs::memfs
