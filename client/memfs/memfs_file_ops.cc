// MemFs ops on file contents: open, create, read, write, release, fallocate.
#include <fcntl.h>
#include <linux/falloc.h>
#include <unistd.h>

#include <algorithm>

#include "client/memfs/access.h"
#include "client/memfs/memfs.h"

namespace rpuffs::memfs {
namespace {

int AccessMaskFor(int flags) {
  int mask = 0;
  switch (flags & O_ACCMODE) {
    case O_RDONLY: mask = R_OK; break;
    case O_WRONLY: mask = W_OK; break;
    default: mask = R_OK | W_OK; break;
  }
  if (flags & O_TRUNC) mask |= W_OK;
  return mask;
}

// Atime is updated the way relatime does it: when it is not newer than mtime
// or ctime, or older than a day.
void TouchAtimeOnRead(Inode& node) {
  const struct timespec now = Now();
  const auto not_after = [](const struct timespec& a, const struct timespec& b) {
    return a.tv_sec < b.tv_sec || (a.tv_sec == b.tv_sec && a.tv_nsec <= b.tv_nsec);
  };
  const struct stat& a = node.attr;
  if (not_after(a.st_atim, a.st_mtim) || not_after(a.st_atim, a.st_ctim) ||
      now.tv_sec - a.st_atim.tv_sec >= 24 * 3600) {
    node.attr.st_atim = now;
  }
}

}  // namespace

int MemFs::Open(puffs::Request& req, Ino ino, puffs::OpenFile* fi) {
  Inode* node = table_.Find(ino);
  if (!node) return ENOENT;
  if (node->is_dir() && (fi->flags & O_ACCMODE) != O_RDONLY) return EISDIR;
  if (!MayAccess(req, *node, AccessMaskFor(fi->flags))) return EACCES;
  if ((fi->flags & O_TRUNC) && node->is_reg()) {
    // Sent here when the kernel uses atomic O_TRUNC; ctime/mtime change even if empty.
    ChangeData(*node, [](FileData& data) { data.Truncate(0); });
    node->attr.st_size = 0;
    DropPrivilegesOnWrite(req, *node, fi->kill_suidgid);
    node->TouchMtime();
  }
  fi->fh = OpenHandle(*node, fi->flags);
  fi->keep_cache = true;  // memfs is the only writer: cached pages stay valid
  return 0;
}

int MemFs::Create(puffs::Request& req, Ino parent, const std::string& name, mode_t mode,
                  puffs::OpenFile* fi, puffs::Entry* out) {
  Inode* dir = nullptr;
  if (int err = DirFor(req, parent, W_OK | X_OK, &dir, true)) return err;
  if (int err = CheckNewEntry(*dir, name)) return err;
  Inode& node = NewInode(req, *dir, S_IFREG | (mode & 07777), 0);
  AddEntry(*dir, name, node);
  fi->fh = OpenHandle(node, fi->flags);
  fi->keep_cache = true;
  FillEntry(node, out);
  return 0;
}

int MemFs::Read(puffs::Request& req, Ino ino, size_t size, off_t offset, puffs::OpenFile& fi,
                std::string* out) {
  Inode* node = table_.Find(ino);
  if (!node) return ENOENT;
  if (node->is_dir()) return EISDIR;
  if (!node->is_reg()) return EINVAL;
  if (offset < 0) return EINVAL;
  const uint64_t file_size = node->attr.st_size;
  const uint64_t start = static_cast<uint64_t>(offset);
  const size_t len = start >= file_size ? 0 : std::min<uint64_t>(size, file_size - start);
  out->clear();
  if (int err = node->data.AppendTo(start, len, out)) return err;
  TouchAtimeOnRead(*node);
  return 0;
}

int MemFs::Write(puffs::Request& req, Ino ino, const char* data, size_t size, off_t offset,
                 puffs::OpenFile& fi, size_t* written) {
  Inode* node = table_.Find(ino);
  if (!node) return ENOENT;
  if (node->is_dir()) return EISDIR;
  if (!node->is_reg()) return EINVAL;
  if (offset < 0) return EINVAL;
  auto handle = handles_.find(fi.fh);
  const int flags = handle != handles_.end() ? handle->second.flags : fi.flags;
  uint64_t start = static_cast<uint64_t>(offset);
  // Without the kernel's writeback cache every write arrives as the caller
  // made it, so an O_APPEND handle writes at the current end, whatever the
  // kernel's idea of the size. With it, the kernel sends page-sized writes
  // at offsets it has computed (also for O_APPEND).
  if ((flags & O_APPEND) && !fi.writeback_cache) start = node->attr.st_size;
  if (start > kMaxFileSize || size > kMaxFileSize - start) return EFBIG;
  if (!HasRoomFor(node->data.GrowthFor(start, size))) return ENOSPC;
  if (int err = TryChangeData(*node, [&](FileData& file) { return file.Write(start, data, size); })) return err;
  node->attr.st_size = std::max<uint64_t>(node->attr.st_size, start + size);
  DropPrivilegesOnWrite(req, *node, fi.kill_suidgid);
  node->TouchMtime();
  *written = size;
  return 0;
}

int MemFs::Release(puffs::Request& req, Ino ino, puffs::OpenFile& fi) {
  CloseHandle(ino, fi.fh);
  return 0;
}

int MemFs::Fallocate(puffs::Request& req, Ino ino, int mode, off_t offset, off_t length,
                     puffs::OpenFile& fi) {
  Inode* node = table_.Find(ino);
  if (!node) return ENOENT;
  if (node->is_dir()) return EISDIR;
  if (!node->is_reg()) return ENODEV;
  if (offset < 0 || length <= 0) return EINVAL;
  const uint64_t start = static_cast<uint64_t>(offset);
  const uint64_t len = static_cast<uint64_t>(length);
  if (start > kMaxFileSize || len > kMaxFileSize - start) return EFBIG;
  if (mode == (FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE)) {
    const uint64_t size = node->attr.st_size;
    if (start < size) {
      ChangeData(*node, [&](FileData& file) { file.PunchHole(start, std::min(len, size - start)); });
    }
    node->TouchMtime();
    return 0;
  }
  if (mode != 0 && mode != FALLOC_FL_KEEP_SIZE) return EOPNOTSUPP;
  if (!HasRoomFor(node->data.GrowthFor(start, len))) return ENOSPC;
  if (int err = TryChangeData(*node, [&](FileData& file) { return file.Allocate(start, len); })) return err;
  if (mode == 0 && start + len > static_cast<uint64_t>(node->attr.st_size)) {
    node->attr.st_size = static_cast<off_t>(start + len);
    node->TouchMtime();
  } else {
    node->TouchCtime();
  }
  return 0;
}

}  // namespace rpuffs::memfs
