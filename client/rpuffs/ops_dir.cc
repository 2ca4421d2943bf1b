// Directory listing. The server pages a directory (up to kBatch entries a
// call); the kernel takes only what fits its buffer and asks again from the
// last offset it kept, so each open directory caches the rest of the page
// it fetched and serves those follow-up calls without a round trip.
//
// A handle that reads the directory from offset 0 to eof in contiguous
// pages collects its names; at eof they become the mount's complete
// listing of it (DirCache), unless this mount changed it in between.
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
  bool eof = false;
  std::vector<DirEntry> entries;
};

// The names seen so far by a listing that started at offset 0.
struct Listing {
  bool active = false;
  uint64_t epoch = 0;
  DirCache::Clock::time_point sent;
  uint64_t next = 0;  // the offset the next contiguous fetch starts after
  std::vector<std::string> names;
};

struct DirHandle {
  DirPage page;
  Listing listing;
};

class DirHandles {
 public:
  uint64_t Open() {
    handles_[next_] = DirHandle{};
    return next_++;
  }
  void Close(uint64_t fh) { handles_.erase(fh); }
  DirHandle* Find(uint64_t fh) {
    auto it = handles_.find(fh);
    return it == handles_.end() ? nullptr : &it->second;
  }

 private:
  uint64_t next_ = 1;
  std::unordered_map<uint64_t, DirHandle> handles_;
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
  page->eof = rep.eof() || rep.entries().empty();
  page->entries.clear();
  for (const v1::DirEntry& d : rep.entries()) {
    DirEntry e;
    e.name = d.name();
    e.ino = fs.ToKernel(d.ino());
    e.type = d.type();
    e.offset = d.offset();
    if (plus && e.name != "." && e.name != "..") {
      puffs::Entry entry;
      if (int err = fs.FillEntry("Readdir", d.attr(), ino, e.name, &entry); err != 0) return err;
      e.entry = entry;
    }
    page->entries.push_back(std::move(e));
  }
  return 0;
}

// Before fetching after `offset`: starts a listing at 0, drops one that skips.
void BeforeFetch(RemoteFs& fs, Ino ino, uint64_t offset, Listing* l) {
  if (offset == 0) {
    *l = Listing{true, fs.dirs().Epoch(fs.ToServer(ino)), DirCache::Clock::now(), 0, {}};
  } else if (l->next != offset) {
    l->active = false;
  }
}

// After a fetched page: collects its names; at eof hands them to the cache.
void AfterFetch(RemoteFs& fs, Ino ino, const DirPage& page, Listing* l) {
  if (!l->active || !fs.dirs().enabled()) return;
  for (const DirEntry& e : page.entries) {
    if (e.name != "." && e.name != "..") l->names.push_back(e.name);
  }
  if (!page.entries.empty()) l->next = page.entries.back().offset;
  if (!page.eof) return;
  l->active = false;
  fs.dirs().Establish(fs.ToServer(ino), l->epoch, l->sent, std::move(l->names));
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
    DirHandle* h = handles->Find(of.fh);
    if (h != nullptr && FromPage(h->page, offset, plus, out)) return 0;
    if (h != nullptr) BeforeFetch(fs, ino, offset, &h->listing);
    DirPage fresh;
    if (int err = Fetch(fs, r, ino, offset, plus, &fresh); err != 0) return err;
    *out = fresh.entries;
    // Look the handle up again: it may have been released while we waited.
    if ((h = handles->Find(of.fh)) != nullptr) {
      AfterFetch(fs, ino, fresh, &h->listing);
      h->page = std::move(fresh);
    }
    return 0;
  };
}

}  // namespace rpuffs::client
