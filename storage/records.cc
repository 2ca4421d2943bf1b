#include "storage/records.h"

#include <sys/stat.h>

#include <ctime>

#include "storage/keys.h"

namespace rpuffs::storage {
namespace {

constexpr char kInodeV1 = 1;
constexpr char kInodeVersion = 2;  // v1 + xattr count after the parent
constexpr char kOutcomeV1 = 1;
constexpr char kOutcomeVersion = 2;  // v1 + xattr presence at the end
constexpr size_t kAttrBytes = 8 + 4 * 4 + 8 * 4 + 3 * 12 + 8;

void PutTime(std::string* out, const Timespec& t) {
  PutLE64(out, static_cast<uint64_t>(t.sec));
  PutLE32(out, t.nsec);
}

Timespec GetTime(const char* p) {
  return Timespec{static_cast<int64_t>(GetLE64(p)), GetLE32(p + 8)};
}

// The Attr-shaped part shared by inode and outcome records.
void PutAttrFields(std::string* out, const Attr& a) {
  PutLE64(out, a.ino);
  PutLE32(out, a.mode);
  PutLE32(out, a.nlink);
  PutLE32(out, a.uid);
  PutLE32(out, a.gid);
  PutLE64(out, a.rdev);
  PutLE64(out, a.size);
  PutLE64(out, a.blocks);
  PutLE64(out, a.generation);
  PutTime(out, a.atime);
  PutTime(out, a.mtime);
  PutTime(out, a.ctime);
  PutLE64(out, a.blksize);
}

Attr GetAttrFields(const char* p) {
  Attr a;
  a.ino = GetLE64(p);
  a.mode = GetLE32(p + 8);
  a.nlink = GetLE32(p + 12);
  a.uid = GetLE32(p + 16);
  a.gid = GetLE32(p + 20);
  a.rdev = GetLE64(p + 24);
  a.size = GetLE64(p + 32);
  a.blocks = GetLE64(p + 40);
  a.generation = GetLE64(p + 48);
  a.atime = GetTime(p + 56);
  a.mtime = GetTime(p + 68);
  a.ctime = GetTime(p + 80);
  a.blksize = static_cast<uint32_t>(GetLE64(p + 92));
  return a;
}

}  // namespace

bool Inode::is_dir() const { return S_ISDIR(mode); }
bool Inode::is_reg() const { return S_ISREG(mode); }
bool Inode::is_symlink() const { return S_ISLNK(mode); }

Attr Inode::ToAttr(uint32_t block_size) const {
  Attr a;
  a.ino = ino;
  a.mode = mode;
  a.nlink = nlink;
  a.uid = uid;
  a.gid = gid;
  a.rdev = rdev;
  a.size = size;
  a.blocks = alloc_blocks * (block_size / 512);
  a.blksize = block_size;
  a.atime = atime;
  a.mtime = mtime;
  a.ctime = ctime;
  a.generation = generation;
  if (xattr_count == kXattrsUnknown) {
    a.xattrs = Attr::XattrPresence::kUnknown;
  } else {
    a.xattrs = xattr_count == 0 ? Attr::XattrPresence::kNone : Attr::XattrPresence::kSome;
  }
  return a;
}

std::string EncodeInode(const Inode& inode) {
  std::string out(1, kInodeVersion);
  Attr a = inode.ToAttr(512);  // blocks == alloc_blocks with a 512-byte unit
  PutAttrFields(&out, a);
  PutLE64(&out, inode.parent);
  PutLE32(&out, inode.xattr_count);
  out.append(inode.target);
  return out;
}

std::string EncodeInodeV1(const Inode& inode) {
  std::string out(1, kInodeV1);
  PutAttrFields(&out, inode.ToAttr(512));
  PutLE64(&out, inode.parent);
  out.append(inode.target);
  return out;
}

bool DecodeInode(std::string_view value, Ino ino, Inode* out) {
  const bool v1 = !value.empty() && value[0] == kInodeV1;
  const size_t fixed = 1 + kAttrBytes + 8 + (v1 ? 0 : 4);
  if (value.size() < fixed || (!v1 && value[0] != kInodeVersion)) return false;
  Attr a = GetAttrFields(value.data() + 1);
  if (a.ino != ino) return false;
  out->ino = a.ino;
  out->mode = a.mode;
  out->nlink = a.nlink;
  out->uid = a.uid;
  out->gid = a.gid;
  out->rdev = a.rdev;
  out->size = a.size;
  out->alloc_blocks = a.blocks;
  out->atime = a.atime;
  out->mtime = a.mtime;
  out->ctime = a.ctime;
  out->generation = a.generation;
  out->parent = GetLE64(value.data() + 1 + kAttrBytes);
  out->xattr_count = v1 ? Inode::kXattrsUnknown : GetLE32(value.data() + 1 + kAttrBytes + 8);
  out->target.assign(value.substr(fixed));
  return true;
}

std::string EncodeDentry(const DentryValue& d) {
  std::string out;
  PutLE64(&out, d.ino);
  PutLE32(&out, d.type);
  return out;
}

bool DecodeDentry(std::string_view value, DentryValue* out) {
  if (value.size() != 12) return false;
  out->ino = GetLE64(value.data());
  out->type = GetLE32(value.data() + 8);
  return true;
}

std::string EncodeOutcome(const Outcome& o) {
  std::string out(1, kOutcomeVersion);
  PutLE32(&out, static_cast<uint32_t>(o.err));
  PutAttrFields(&out, o.attr);
  PutLE64(&out, o.fh);
  PutLE32(&out, o.count);
  out.push_back(o.created ? 1 : 0);
  out.push_back(static_cast<char>(o.attr.xattrs));
  return out;
}

bool DecodeOutcome(std::string_view value, Outcome* out) {
  constexpr size_t kV1Size = 1 + 4 + kAttrBytes + 8 + 4 + 1;
  const bool v1 = value.size() == kV1Size && value[0] == kOutcomeV1;
  if (!v1 && (value.size() != kV1Size + 1 || value[0] != kOutcomeVersion)) return false;
  const char* p = value.data() + 1;
  out->err = static_cast<int>(GetLE32(p));
  out->attr = GetAttrFields(p + 4);
  out->fh = GetLE64(p + 4 + kAttrBytes);
  out->count = GetLE32(p + 4 + kAttrBytes + 8);
  out->created = p[4 + kAttrBytes + 12] != 0;
  uint8_t presence = v1 ? 0 : static_cast<uint8_t>(p[4 + kAttrBytes + 13]);
  if (presence > static_cast<uint8_t>(Attr::XattrPresence::kSome)) return false;
  out->attr.xattrs = static_cast<Attr::XattrPresence>(presence);
  return true;
}

Timespec Now() {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return Timespec{ts.tv_sec, static_cast<uint32_t>(ts.tv_nsec)};
}

bool operator<=(const Timespec& a, const Timespec& b) {
  return a.sec < b.sec || (a.sec == b.sec && a.nsec <= b.nsec);
}

}  // namespace rpuffs::storage
