#include <vector>

#include "client/puffs/fuse_channel.h"
#include "client/puffs/fuse_dispatch.h"
#include "client/puffs/fuse_request.h"

namespace rpuffs::puffs::dispatch {
namespace {

// Packs entries into at most `size` bytes; stops at the first that does not
// fit (the kernel asks again from the last offset it received). Returns the
// bytes used; `counted` gets the inodes handed to the kernel (plus only).
size_t PackEntries(fuse_req_t req, const std::vector<DirEntry>& entries, bool plus,
                   std::vector<char>* buf, std::vector<Ino>* counted) {
  size_t used = 0;
  const size_t size = buf->size();
  for (const DirEntry& d : entries) {
    size_t need;
    if (plus) {
      fuse_entry_param p{};
      if (d.entry) {
        p = ToEntryParam(*d.entry);
      } else {
        // "." and "..": no lookup, so nodeid 0 (the kernel skips them).
        p.attr.st_ino = d.ino;
        p.attr.st_mode = d.type;
      }
      need = fuse_add_direntry_plus(req, buf->data() + used, size - used, d.name.c_str(), &p,
                                    static_cast<off_t>(d.offset));
      if (need > size - used) break;
      if (d.entry && d.entry->ino != 0) counted->push_back(d.entry->ino);
    } else {
      struct stat st {};
      st.st_ino = d.ino;
      st.st_mode = d.type;
      need = fuse_add_direntry(req, buf->data() + used, size - used, d.name.c_str(), &st,
                               static_cast<off_t>(d.offset));
      if (need > size - used) break;
    }
    used += need;
  }
  return used;
}

void ReaddirCommon(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off, fuse_file_info* fi,
                   bool plus) {
  Dispatch(req, plus ? "readdirplus" : "readdir", [&](FuseRequest& r) {
    OpenFile of = r.OpenFileOf(fi);
    std::vector<DirEntry> entries;
    int err = r.ops().readdir(r, ino, static_cast<uint64_t>(off), plus, of, &entries);
    if (err != 0) return r.ReplyErr(err);
    std::vector<char> buf(size);
    std::vector<Ino> counted;
    size_t used = PackEntries(req, entries, plus, &buf, &counted);
    r.ReplyBuf(0, buf.data(), used);
    // Counted only once the kernel has them (a failed reply hands over nothing).
    for (Ino i : counted) r.channel().CountLookup(i);
  });
}

}  // namespace

void Opendir(fuse_req_t req, fuse_ino_t ino, fuse_file_info* fi) {
  Dispatch(req, "opendir", [&](FuseRequest& r) {
    OpenFile of = r.OpenFileOf(fi);
    int err = r.ops().opendir(r, ino, &of);
    r.ReplyOpen(err, of, fi);
  });
}

void Readdir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off, fuse_file_info* fi) {
  ReaddirCommon(req, ino, size, off, fi, false);
}

void Readdirplus(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off, fuse_file_info* fi) {
  ReaddirCommon(req, ino, size, off, fi, true);
}

void Releasedir(fuse_req_t req, fuse_ino_t ino, fuse_file_info* fi) {
  DispatchOnHandle(req, "releasedir", fi, [&](FuseRequest& r, OpenFile& of) {
    return r.ops().releasedir(r, ino, of);
  });
}

void Fsyncdir(fuse_req_t req, fuse_ino_t ino, int datasync, fuse_file_info* fi) {
  DispatchOnHandle(req, "fsyncdir", fi, [&](FuseRequest& r, OpenFile& of) {
    return r.ops().fsyncdir(r, ino, datasync != 0, of);
  });
}

}  // namespace rpuffs::puffs::dispatch
