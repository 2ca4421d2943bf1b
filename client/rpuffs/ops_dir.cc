// Directory listing. The server pages a directory (up to kBatch entries a
// call); the kernel takes only what fits its buffer and asks again from the
// last offset it kept, so each open directory caches the rest of the page
// it fetched and serves those follow-up calls without a round trip.
#include <algorithm>

#include "client/remote/rpcs.h"
#include "client/rpuffs/fs_ops.h"

namespace rpuffs::client {
namespace {

using puffs::DirEntry;
using puffs::OpenFile;
using puffs::Request;

constexpr uint32_t kBatch = 1024;

struct DirPage {
  uint64_t start = 0;  // the offset it was fetched after
  bool plus = false;
  std::vector<DirEntry> entries;
};

class DirHandles {
 public:
  uint64_t Open() {
    pages_[next_] = DirPage{};
    return next_++;
  }
  void Close(uint64_t fh) { pages_.erase(fh); }
  DirPage* Find(uint64_t fh) {
    auto it = pages_.find(fh);
    return it == pages_.end() ? nullptr : &it->second;
  }

 private:
  uint64_t next_ = 1;
  std::unordered_map<uint64_t, DirPage> pages_;
};

// Entries of `page` after `offset`, or false if the page does not cover it.
bool FromPage(const DirPage& page, uint64_t offset, bool plus, std::vector<DirEntry>* out) {
  if (page.plus != plus || page.entries.empty()) return false;
  auto from = page.entries.begin();
  if (offset != page.start) {
    from = std::find_if(page.entries.begin(), page.entries.end(),
                        [offset](const DirEntry& e) { return e.offset == offset; });
    if (from == page.entries.end()) return false;
    ++from;
    if (from == page.entries.end()) return false;  // ask the server for more
  }
  out->assign(from, page.entries.end());
  return true;
}

int Fetch(RemoteFs& fs, Request& r, Ino ino, uint64_t offset, bool plus, DirPage* page) {
  v1::ReaddirRequest req;
  req.set_ino(fs.ToServer(ino));
  req.set_offset(offset);
  req.set_max_entries(kBatch);
  req.set_plus(plus);
  v1::ReaddirReply rep;
  if (int err = fs.Rpc(r, remote::kReaddir, std::move(req), &rep); err != 0) return err;
  page->start = offset;
  page->plus = plus;
  page->entries.clear();
  for (const v1::DirEntry& d : rep.entries()) {
    DirEntry e;
    e.name = d.name();
    e.ino = fs.ToKernel(d.ino());
    e.type = d.type();
    e.offset = d.offset();
    if (plus && e.name != "." && e.name != "..") {
      puffs::Entry entry;
      if (int err = fs.FillEntry("Readdir", d.attr(), &entry); err != 0) return err;
      e.entry = entry;
    }
    page->entries.push_back(std::move(e));
  }
  return 0;
}

}  // namespace

void AddDirOps(RemoteFs& fs, puffs::Ops* ops) {
  auto handles = std::make_shared<DirHandles>();
  ops->opendir = [handles](Request&, Ino, OpenFile* of) {
    of->fh = handles->Open();
    return 0;
  };
  ops->releasedir = [handles](Request&, Ino, OpenFile& of) {
    handles->Close(of.fh);
    return 0;
  };
  ops->readdir = [&fs, handles](Request& r, Ino ino, uint64_t offset, bool plus, OpenFile& of,
                                std::vector<DirEntry>* out) {
    DirPage* page = handles->Find(of.fh);
    if (page && FromPage(*page, offset, plus, out)) return 0;
    DirPage fresh;
    if (int err = Fetch(fs, r, ino, offset, plus, &fresh); err != 0) return err;
    *out = fresh.entries;
    // Look the handle up again: it may have been released while we waited.
    if ((page = handles->Find(of.fh)) != nullptr) *page = std::move(fresh);
    return 0;
  };
}

}  // namespace rpuffs::client
