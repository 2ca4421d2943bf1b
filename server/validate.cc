#include "server/validate.h"

#include <fcntl.h>
#include <linux/falloc.h>
#include <sys/stat.h>

#include <cerrno>
#include <limits>

#include "storage/volume.h"

namespace rpuffs::server {
namespace {

constexpr uint64_t kMaxOffset = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
constexpr uint32_t kNsecMax = 999999999;
constexpr uint32_t kReaddirDefault = 1024;
constexpr uint32_t kReaddirMax = 4096;
constexpr uint32_t kRenameNoReplace = 1;
constexpr uint32_t kRenameExchange = 2;
constexpr uint32_t kXattrCreate = 1;
constexpr uint32_t kXattrReplace = 2;
constexpr uint32_t kSetAttrAll = 511;  // every storage::SetAttrIn bit

}  // namespace

int CheckIno(uint64_t ino) { return ino == 0 ? ESTALE : 0; }

int CheckName(std::string_view name) {
  if (name.empty()) return EINVAL;
  if (name.size() > storage::kNameMax) return ENAMETOOLONG;
  if (name.find('/') != std::string_view::npos || name.find('\0') != std::string_view::npos) return EINVAL;
  return 0;
}

int CheckNewName(std::string_view name) {
  if (int err = CheckName(name)) return err;
  if (name == "." || name == "..") return EINVAL;
  return 0;
}

int CheckSymlinkTarget(std::string_view target) {
  if (target.empty()) return ENOENT;
  if (target.size() > storage::kSymlinkMax) return ENAMETOOLONG;
  if (target.find('\0') != std::string_view::npos) return EINVAL;
  return 0;
}

int CheckMknodMode(uint32_t mode) {
  switch (mode & S_IFMT) {
    case S_IFREG:
    case S_IFIFO:
    case S_IFSOCK:
    case S_IFCHR:
    case S_IFBLK:
      return (mode & ~(S_IFMT | 07777u)) ? EINVAL : 0;
    default:
      return EINVAL;
  }
}

int CheckRenameFlags(uint32_t flags) {
  return (flags == 0 || flags == kRenameNoReplace || flags == kRenameExchange) ? 0 : EINVAL;
}

int CheckReadRange(uint64_t offset, uint64_t size) { return offset > kMaxOffset ? EINVAL : 0; }

int CheckWriteRange(uint64_t offset, uint64_t size) {
  if (offset > kMaxOffset) return EINVAL;
  if (size > kMaxOffset - offset) return EFBIG;
  return 0;
}

int CheckFallocate(uint32_t mode, uint64_t offset, uint64_t length) {
  if (mode != 0 && mode != FALLOC_FL_KEEP_SIZE && mode != (FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE)) {
    return EOPNOTSUPP;
  }
  if (offset > kMaxOffset || length == 0 || length > kMaxOffset) return EINVAL;
  if (length > kMaxOffset - offset) return EFBIG;
  return 0;
}

int CheckSetAttr(uint32_t valid, uint64_t size, uint32_t atime_nsec, uint32_t mtime_nsec) {
  if (valid & ~kSetAttrAll) return EINVAL;
  if ((valid & storage::SetAttrIn::kSize) && size > kMaxOffset) return EINVAL;
  if ((valid & storage::SetAttrIn::kAtime) && atime_nsec > kNsecMax) return EINVAL;
  if ((valid & storage::SetAttrIn::kMtime) && mtime_nsec > kNsecMax) return EINVAL;
  return 0;
}

int CheckXattrName(std::string_view name) {
  if (name.empty() || name.size() > storage::kXattrNameMax) return ERANGE;
  if (name.find('\0') != std::string_view::npos) return EINVAL;
  return 0;
}

int CheckXattrValue(std::string_view value, uint32_t flags) {
  if (flags != 0 && flags != kXattrCreate && flags != kXattrReplace) return EINVAL;
  if (value.size() > storage::kXattrValueMax) return E2BIG;
  return 0;
}

bool IsOversizedIo(uint64_t size) { return size > storage::kMaxIo; }

uint32_t ReaddirPage(uint32_t max_entries) {
  if (max_entries == 0) return kReaddirDefault;
  return max_entries > kReaddirMax ? kReaddirMax : max_entries;
}

}  // namespace rpuffs::server
