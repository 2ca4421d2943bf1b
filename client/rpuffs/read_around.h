// client/rpuffs — read-around: a small READ brings its whole aligned block.
//
// Every 4 KiB page-cache miss costs one FUSE READ and one Read call, while
// the server reads its whole storage block anyway. With read-around on, a
// READ smaller than the granularity G (-o readaround=G) asks the server for
// the G-aligned span around it (clipped to the file size the kernel was
// told), answers the kernel with its slice, and queues the rest for the
// kernel's page cache through the framework's Notifier (notify_store, never
// from the loop thread). Later reads within the span are page-cache hits.
//
// The page cache must never end up older than what this mount wrote or
// what close-to-open promises (deploy/client/README.md). The rules:
// - Each file has a generation, renewed (from one mount-wide clock, so a
//   forgotten and re-learnt inode never repeats one) by every change this
//   mount makes or hears of: a handle opened or closed for writing (and so
//   every write, fallocate and copy through it), each write, a size change,
//   an open that drops the page cache, a watch notice, attributes with a new
//   size or mtime. A read stores only if the generation is the one it
//   started with, and no handle is open for writing and no size change is
//   in flight at either moment.
// - The kernel writes through its page cache, and a store overwrites what is
//   there: so an open for writing (or with O_TRUNC), a size change and an
//   open that drops the cache wait (WaitStoresSent) until the stores already
//   queued for the file are in the kernel before they are answered. While a
//   writer exists none are queued, so no store can meet a kernel write.
// - Nothing is stored past the file size the kernel was told or past the
//   end of what the server returned (a store past EOF extends the kernel's
//   size). Stores are best effort (an error, e.g. a forgotten inode, is
//   dropped by the Notifier).
// Read-around needs the Notifier, which RemoteFs only has while it runs the
// watch: with -o nowatch every READ is sent as asked.
//
// Threading: loop thread only. WaitStoresSent() may suspend (the calling
// continuation); nothing else does.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "client/puffs/event_loop.h"
#include "client/puffs/notifier.h"
#include "client/puffs/ops.h"

namespace rpuffs::client {

using puffs::Ino;

constexpr uint32_t kPageSize = 4096;

class ReadAround {
 public:
  // `granularity`: 0 (off) or a power of two in [kPageSize, 1 MiB] (caller
  // checks). `notifier` gives the framework's Notifier, or nullptr.
  ReadAround(uint32_t granularity, puffs::EventLoop& loop, std::function<puffs::Notifier*()> notifier);

  // What to ask the server for, for the kernel's READ of [offset, offset+size).
  struct Plan {
    bool around = false;    // false: exactly what the kernel asked; nothing stored
    uint64_t offset = 0;
    uint32_t size = 0;
    uint64_t generation = 0;
  };
  Plan PlanRead(Ino ino, uint64_t offset, size_t size) const;
  // REQUIRES: plan.around and the server returned `data` for it. Fills *out
  // with the kernel's slice and queues what else may be stored.
  void Deliver(Ino ino, const Plan& plan, uint64_t offset, size_t size, std::string data,
               std::string* out);

  // A READ of [offset, offset+size) of `ino` is in flight from construction
  // to destruction (scope it around the call): its pages are locked in the
  // kernel until it is answered, so no store covers them (the store would
  // wait for that reply, and for ever once the loop has stopped).
  class Reading {
   public:
    Reading(ReadAround& around, Ino ino, uint64_t offset, size_t size);
    ~Reading();
    Reading(const Reading&) = delete;
    Reading& operator=(const Reading&) = delete;

   private:
    ReadAround& around_;
    Ino ino_;
    std::pair<uint64_t, uint64_t> range_;
  };

  // ---- what changes a file's data (see the rules above)
  void Changed(Ino ino);
  void ChangedAll();
  // Around an open that may change the data: WriterOpened before the call,
  // then either WriterHandle (it succeeded: the handle closes the writer at
  // its HandleClosed) or WriterClosed (it failed).
  void WriterOpened(Ino ino);
  void WriterClosed(Ino ino);
  void WriterHandle(uint64_t fh, Ino ino) { writer_handles_[fh] = ino; }
  // A handle was released: ends its writer if it was one. (The release's
  // flags cannot tell: the kernel strips O_TRUNC after the open.)
  void HandleClosed(uint64_t fh);
  // Around a size change: no store starts or lands in between.
  void BeginChange(Ino ino);
  void EndChange(Ino ino);
  // Attributes handed to the kernel for regular file `ino`. A change of size
  // or mtime also drops, behind the stores already queued for it, what they
  // put in the kernel's page cache (the kernel may have dropped its cache on
  // these attributes already; a late store must not refill it with older
  // data or grow the file). Entries are bounded (kMaxFiles): idle ones are
  // dropped when there are more (readdirplus hands attributes of files the
  // kernel may never learn, and so never forget).
  static constexpr size_t kMaxFiles = 1 << 16;
  void SawAttr(Ino ino, uint64_t size, int64_t mtime_sec, uint32_t mtime_nsec);
  // The kernel forgot `ino`.
  void Forget(Ino ino);

  // REQUIRES: inside a continuation. Returns once every store queued for
  // `ino` so far is in the kernel (at once if none). May suspend.
  void WaitStoresSent(Ino ino);

  bool enabled() const { return granularity_ != 0; }
  uint64_t stores_queued() const { return stores_queued_; }
  size_t tracked_files() const { return files_.size(); }
  size_t writer_handles() const { return writer_handles_.size(); }

 private:
  using Range = std::pair<uint64_t, uint64_t>;  // [first, second), page-aligned
  struct File {
    uint64_t generation = 0;
    uint32_t writers = 0;   // handles open for writing (or with O_TRUNC)
    uint32_t changing = 0;  // size changes in flight
    bool size_known = false;
    uint64_t size = 0;      // as last told to the kernel
    int64_t mtime_sec = 0;
    uint32_t mtime_nsec = 0;
    std::vector<Range> reads;  // READs in flight (Reading)
  };
  File& At(Ino ino);
  void DropIdle();
  // One more (`up`) or one less of `counter`, and a new generation.
  void Count(Ino ino, uint32_t File::*counter, bool up);
  // Stores data's [from, to) (data begins at file offset data_offset),
  // leaving out the pages in `busy`.
  void QueueStore(puffs::Notifier* notifier, Ino ino, const std::vector<Range>& busy, uint64_t from,
                  const std::string& data, uint64_t data_offset, uint64_t to);

  uint32_t granularity_;
  puffs::EventLoop& loop_;
  std::function<puffs::Notifier*()> notifier_;
  std::unordered_map<Ino, File> files_;
  std::unordered_map<uint64_t, Ino> writer_handles_;  // open handles counted in writers
  uint64_t clock_ = 0;
  uint64_t stores_queued_ = 0;
};

}  // namespace rpuffs::client
