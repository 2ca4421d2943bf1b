#include "client/rpuffs/read_around.h"

#include <algorithm>
#include <memory>

#include "client/puffs/continuation.h"

namespace rpuffs::client {
namespace {

constexpr uint64_t kMaxSpan = 1 << 20;  // a Read call carries at most 1 MiB

uint64_t PageDown(uint64_t x) { return x & ~uint64_t{kPageSize - 1}; }
uint64_t PageUp(uint64_t x) { return PageDown(x + kPageSize - 1); }

}  // namespace

ReadAround::ReadAround(uint32_t granularity, puffs::EventLoop& loop,
                       std::function<puffs::Notifier*()> notifier)
    : granularity_(granularity), loop_(loop), notifier_(std::move(notifier)) {}

ReadAround::Plan ReadAround::PlanRead(Ino ino, uint64_t offset, size_t size) const {
  Plan plan;
  if (granularity_ == 0 || size >= granularity_) return plan;
  auto it = files_.find(ino);
  if (it == files_.end()) return plan;
  const File& f = it->second;
  if (f.writers != 0 || f.changing != 0 || !f.size_known || notifier_() == nullptr) return plan;
  uint64_t g = granularity_;
  uint64_t start = offset & ~(g - 1);
  // Never less than the kernel asked: the size known here may be older than
  // the kernel's (this mount's own appends carry no attributes), and a short
  // reply would make the kernel cut the file there (an mmap read: SIGBUS).
  uint64_t end = std::max<uint64_t>(std::min((offset + size + g - 1) & ~(g - 1), PageUp(f.size)),
                                    offset + size);
  // Nothing beyond what the kernel asked (at the end of file, say), or too much for one call.
  if ((start == offset && end <= offset + size) || end <= start || end - start > kMaxSpan) {
    return plan;
  }
  plan.around = true;
  plan.offset = start;
  plan.size = static_cast<uint32_t>(end - start);
  plan.generation = f.generation;
  return plan;
}

void ReadAround::Deliver(Ino ino, const Plan& plan, uint64_t offset, size_t size, std::string data,
                         std::string* out) {
  uint64_t skip = offset - plan.offset;
  if (skip < data.size()) {
    out->assign(data, skip, std::min<uint64_t>(size, data.size() - skip));
  } else {
    out->clear();  // past the end of file
  }
  auto it = files_.find(ino);
  if (it == files_.end()) return;
  const File& f = it->second;
  if (f.generation != plan.generation || f.writers != 0 || f.changing != 0 || !f.size_known) return;
  puffs::Notifier* notifier = notifier_();
  if (notifier == nullptr) return;
  // Within what the server returned and the size the kernel knows; a page
  // cut short is worth storing only at the end of file (the kernel zeroes
  // the rest of it then).
  uint64_t end = std::min(plan.offset + data.size(), f.size);
  if (end != f.size) end = PageDown(end);
  QueueStore(notifier, ino, f.reads, plan.offset, data, plan.offset, std::min(PageDown(offset), end));
  QueueStore(notifier, ino, f.reads, PageUp(offset + size), data, plan.offset, end);
}

void ReadAround::QueueStore(puffs::Notifier* notifier, Ino ino, const std::vector<Range>& busy,
                            uint64_t from, const std::string& data, uint64_t data_offset, uint64_t to) {
  // The pages of READs in flight (this one's too) are locked in the kernel
  // until answered, and each READ fills its own: store around them.
  while (from < to) {
    bool found = false;  // the first busy range within [from, to): [cut, next)
    uint64_t cut = to, next = to;
    for (const Range& r : busy) {
      if (r.second <= from || r.first >= to) continue;
      uint64_t begin = std::max(r.first, from);
      if (!found || begin < cut) {
        cut = begin;
        next = r.second;
        found = true;
      } else if (begin == cut) {
        next = std::max(next, r.second);
      }
    }
    if (cut > from) {
      notifier->Store(ino, static_cast<int64_t>(from), data.substr(from - data_offset, cut - from));
      ++stores_queued_;
    }
    from = found ? next : to;
  }
}

ReadAround::Reading::Reading(ReadAround& around, Ino ino, uint64_t offset, size_t size)
    : around_(around), ino_(ino), range_(PageDown(offset), PageUp(offset + size)) {
  if (around_.enabled()) around_.At(ino_).reads.push_back(range_);
}

ReadAround::Reading::~Reading() {
  if (!around_.enabled()) return;
  auto it = around_.files_.find(ino_);
  if (it == around_.files_.end()) return;
  auto& reads = it->second.reads;
  auto mine = std::find(reads.begin(), reads.end(), range_);
  if (mine != reads.end()) reads.erase(mine);
}

ReadAround::File& ReadAround::At(Ino ino) {
  auto [it, inserted] = files_.try_emplace(ino);
  if (inserted) it->second.generation = ++clock_;
  return it->second;
}

void ReadAround::Changed(Ino ino) {
  // An inode not known here has no read in flight that could store: its
  // entry, once made, starts with a generation no plan has seen.
  auto it = files_.find(ino);
  if (it != files_.end()) it->second.generation = ++clock_;
}

void ReadAround::ChangedAll() {
  for (auto& [ino, f] : files_) f.generation = ++clock_;
}

void ReadAround::Count(Ino ino, uint32_t File::*counter, bool up) {
  File& f = At(ino);
  if (up) {
    ++(f.*counter);
  } else if (f.*counter > 0) {
    --(f.*counter);
  }
  f.generation = ++clock_;
}

void ReadAround::WriterOpened(Ino ino) { Count(ino, &File::writers, true); }
void ReadAround::WriterClosed(Ino ino) { Count(ino, &File::writers, false); }
void ReadAround::BeginChange(Ino ino) { Count(ino, &File::changing, true); }
void ReadAround::EndChange(Ino ino) { Count(ino, &File::changing, false); }

void ReadAround::SawAttr(Ino ino, uint64_t size, int64_t mtime_sec, uint32_t mtime_nsec) {
  if (files_.size() >= kMaxFiles && files_.count(ino) == 0) DropIdle();
  File& f = At(ino);
  if (f.size_known && (f.size != size || f.mtime_sec != mtime_sec || f.mtime_nsec != mtime_nsec)) {
    f.generation = ++clock_;
    puffs::Notifier* notifier = notifier_();
    if (notifier != nullptr && notifier->PendingStores(ino) != 0) notifier->InvalidateInode(ino);
  }
  f.size_known = true;
  f.size = size;
  f.mtime_sec = mtime_sec;
  f.mtime_nsec = mtime_nsec;
}

void ReadAround::HandleClosed(uint64_t fh) {
  auto it = writer_handles_.find(fh);
  if (it == writer_handles_.end()) return;
  Ino ino = it->second;
  writer_handles_.erase(it);
  WriterClosed(ino);
}

void ReadAround::DropIdle() {
  // A dropped entry only turns read-around off for its file until its next
  // attributes (and a plan made before names a generation no new entry has).
  puffs::Notifier* notifier = notifier_();
  for (auto it = files_.begin(); it != files_.end();) {
    const File& f = it->second;
    // Stores still queued need the entry: a change seen later must queue
    // the invalidation behind them (SawAttr).
    bool idle = f.writers == 0 && f.changing == 0 && f.reads.empty() &&
                (notifier == nullptr || notifier->PendingStores(it->first) == 0);
    it = idle ? files_.erase(it) : std::next(it);
  }
}

void ReadAround::Forget(Ino ino) {
  auto it = files_.find(ino);
  if (it != files_.end() && it->second.writers == 0 && it->second.changing == 0 && it->second.reads.empty()) {
    files_.erase(it);
  }
}

void ReadAround::WaitStoresSent(Ino ino) {
  puffs::Notifier* notifier = notifier_();
  if (notifier == nullptr || notifier->PendingStores(ino) == 0) return;
  // Shared with the Notifier's callback: this continuation may be unwound
  // (shutdown) before the callback runs.
  struct Slot {
    puffs::Continuation* waiter = nullptr;
    bool done = false;
  };
  auto slot = std::make_shared<Slot>();
  slot->waiter = puffs::Continuation::Current();
  struct Unwind {
    std::shared_ptr<Slot> slot;
    ~Unwind() { slot->waiter = nullptr; }
  } unwind{slot};
  puffs::EventLoop* loop = &loop_;
  // The callback runs on the Notifier's thread (or here, if the stores went
  // meanwhile): only hand off to the loop.
  bool at_once = notifier->WhenStoresSent(ino, [slot, loop] {
    loop->Post([slot] {
      slot->done = true;
      if (slot->waiter != nullptr) puffs::Continuation::Continue(slot->waiter);
    });
  });
  if (at_once) return;
  while (!slot->done) puffs::Continuation::Yield();
}

}  // namespace rpuffs::client
