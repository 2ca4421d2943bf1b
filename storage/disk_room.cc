#include "storage/disk_room.h"

#include <sys/statvfs.h>

#include <cerrno>
#include <utility>

namespace rpuffs::storage {

DiskRoom::DiskRoom(std::string path, std::function<uint64_t()> unflushed, std::function<void()> on_full)
    : path_(std::move(path)), unflushed_(std::move(unflushed)), on_full_(std::move(on_full)) {}

bool DiskRoom::Refresh(std::chrono::steady_clock::time_point now) {
  struct statvfs fs {};
  if (statvfs(path_.c_str(), &fs) != 0) return false;
  const uint64_t free_bytes = static_cast<uint64_t>(fs.f_bavail) * fs.f_frsize;
  const uint64_t kept = Kept();
  usable_ = free_bytes > kept ? free_bytes - kept : 0;
  spent_ = 0;
  read_at_ = now;
  return true;
}

Status DiskRoom::Room(uint64_t bytes) {
  const uint64_t need = 2 * bytes;
  bool kick = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    const auto now = std::chrono::steady_clock::now();
    const bool fresh = read_at_.time_since_epoch().count() != 0 && now - read_at_ < kRefresh;
    // Near the edge (or stale), look again before refusing or allowing.
    if (!(fresh && Fits(need)) && !Refresh(now)) return Status::Ok();  // cannot tell: RocksDB's own ENOSPC applies
    if (Fits(need)) {
      spent_ += need;
      return Status::Ok();
    }
    if (kicked_at_.time_since_epoch().count() == 0 || now - kicked_at_ >= kKickEvery) {
      kicked_at_ = now;
      kick = true;
    }
  }
  if (kick && on_full_) on_full_();
  return Status(ENOSPC, "the data dir's filesystem is full (RocksDB's headroom kept)");
}

uint64_t DiskRoom::Kept() const { return kReserve + (unflushed_ ? unflushed_() : 0); }

}  // namespace rpuffs::storage
