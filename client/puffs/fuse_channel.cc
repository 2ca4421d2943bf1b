#include "client/puffs/fuse_channel.h"

#include <fcntl.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <memory>

#include <spdlog/spdlog.h>

#include "client/puffs/continuation.h"
#include "client/puffs/fuse_wire.h"

namespace rpuffs::puffs {
namespace {

constexpr int kMaxRequestsPerWakeup = 64;

// libfuse prints its errors, sometimes a line in several calls: join the
// pieces, and keep the last error line as the user-facing reason.
thread_local std::string t_last_fuse_message;
thread_local std::string t_pending_fuse_line;

void LogFromLibfuse(enum fuse_log_level level, const char* fmt, va_list ap) {
  char piece[512];
  vsnprintf(piece, sizeof piece, fmt, ap);
  t_pending_fuse_line += piece;
  if (t_pending_fuse_line.empty() || t_pending_fuse_line.back() != '\n') return;
  std::string msg = std::move(t_pending_fuse_line);
  t_pending_fuse_line.clear();
  for (char& ch : msg) {
    if (ch == '\n') ch = ' ';
  }
  while (!msg.empty() && msg.back() == ' ') msg.pop_back();
  if (msg.empty()) return;
  if (level <= FUSE_LOG_ERR) {
    t_last_fuse_message = msg;
    spdlog::error("libfuse: {}", msg);
  } else {
    spdlog::debug("libfuse: {}", msg);
  }
}

// Keeps a request continuation in the channel's in-flight set for exactly as
// long as its body runs (also when it is unwound at shutdown).
class InFlightEntry {
 public:
  InFlightEntry(std::unordered_set<Continuation*>& set, Continuation* cc) : set_(set), cc_(cc) {}
  ~InFlightEntry() { set_.erase(cc_); }

 private:
  std::unordered_set<Continuation*>& set_;
  Continuation* cc_;
};

// Gives a request's receive buffer back to the channel when the request's
// continuation ends (also when it is unwound at shutdown).
class SpareReturn {
 public:
  SpareReturn(FuseChannel& ch, void* mem) : ch_(ch), mem_(mem) {}
  ~SpareReturn() { ch_.ReturnSpareBuffer(mem_); }

 private:
  FuseChannel& ch_;
  void* mem_;
};

}  // namespace

void TakeFrameworkOptions(ChannelOptions* options) {
  const struct {
    const char* word;
    bool ChannelOptions::*flag;
    bool value;
  } kWords[] = {
      {"handle_killpriv", &ChannelOptions::handle_killpriv, true},
      {"no_handle_killpriv", &ChannelOptions::handle_killpriv, false},
      {"writeback_cache", &ChannelOptions::writeback_cache, true},
      {"no_writeback_cache", &ChannelOptions::writeback_cache, false},
  };
  std::vector<std::string> kept;
  for (const std::string& option : options->mount_options) {
    std::string rest;
    size_t start = 0;
    while (start <= option.size()) {
      size_t end = std::min(option.find(',', start), option.size());
      const std::string word = option.substr(start, end - start);
      bool taken = false;
      for (const auto& w : kWords) {
        if (word == w.word) {
          options->*w.flag = w.value;
          taken = true;
        }
      }
      if (!taken && !word.empty()) rest += (rest.empty() ? "" : ",") + word;
      start = end + 1;
    }
    if (!rest.empty()) kept.push_back(rest);
  }
  options->mount_options = std::move(kept);
}

FuseChannel::FuseChannel(const Ops& ops, EventLoop& loop, StackPool& pool)
    : ops_(ops), loop_(loop), pool_(pool) {}

FuseChannel::~FuseChannel() { Unmount(); }

int FuseChannel::Mount(const std::string& mountpoint, const ChannelOptions& given,
                       std::string* error) {
  ChannelOptions options = given;
  TakeFrameworkOptions(&options);
  if (se_ != nullptr) {
    *error = "already mounted";
    return EBUSY;
  }
  fuse_set_log_func(&LogFromLibfuse);
  t_last_fuse_message.clear();
  max_write_ = options.max_write;
  options_ = options;
  writeback_cache_ = false;
  killpriv_v2_ = false;
  std::vector<std::string> words{"rpuffs"};
  if (options.debug) words.emplace_back("-d");
  for (const auto& o : options.mount_options) {
    words.emplace_back("-o");
    words.push_back(o);
  }
  std::vector<char*> argv;
  for (auto& w : words) argv.push_back(w.data());
  fuse_args args = FUSE_ARGS_INIT(static_cast<int>(argv.size()), argv.data());
  fuse_lowlevel_ops llops = BuildLowlevelOps(ops_);
  se_ = fuse_session_new(&args, &llops, sizeof llops, this);
  fuse_opt_free_args(&args);
  if (se_ == nullptr) {
    if (!t_pending_fuse_line.empty()) t_last_fuse_message = t_pending_fuse_line;
    *error = "invalid mount options: " +
             (t_last_fuse_message.empty() ? std::string("rejected by libfuse") : t_last_fuse_message);
    return EINVAL;
  }
  if (fuse_session_mount(se_, mountpoint.c_str()) != 0) {
    *error = "cannot mount on " + mountpoint +
             (t_last_fuse_message.empty() ? std::string() : ": " + t_last_fuse_message);
    fuse_session_destroy(se_);
    se_ = nullptr;
    return EIO;
  }
  fd_ = fuse_session_fd(se_);
  static const fuse_custom_io kIo = {&FuseChannel::IoWritev, &FuseChannel::IoRead, nullptr, nullptr};
  if (fuse_session_custom_io(se_, &kIo, fd_) != 0) spdlog::warn("fuse: custom io refused");
  fcntl(fd_, F_SETFL, fcntl(fd_, F_GETFL) | O_NONBLOCK);
  exit_reported_ = false;
  loop_.AddFd(fd_, EPOLLIN, [this](uint32_t) { OnReadable(); });
  spdlog::debug("fuse: mounted at={}", mountpoint);
  return 0;
}

void FuseChannel::Unmount() {
  if (se_ == nullptr) return;
  // Unwind what is still waiting: each FuseRequest answers EIO on its way out.
  std::vector<Continuation*> pending(in_flight_.begin(), in_flight_.end());
  for (Continuation* cc : pending) {
    if (in_flight_.count(cc) && !cc->running()) delete cc;
  }
  loop_.RemoveFd(fd_);
  fuse_session_unmount(se_);  // a no-op if the kernel already ended it
  fuse_session_destroy(se_);  // calls ops.destroy after a completed INIT
  se_ = nullptr;
  fd_ = -1;
  free(buf_.mem);
  buf_ = fuse_buf{};
  for (void* mem : spare_bufs_) free(mem);
  spare_bufs_.clear();
  lookups_.clear();
}

uint64_t FuseChannel::LookupCount(Ino ino) const {
  auto it = lookups_.find(ino);
  return it == lookups_.end() ? 0 : it->second;
}

void FuseChannel::Forget(Ino ino, uint64_t nlookup) {
  auto it = lookups_.find(ino);
  if (it == lookups_.end()) return;
  if (it->second > nlookup) {
    it->second -= nlookup;
    return;
  }
  lookups_.erase(it);
  if (ops_.reclaim) ops_.reclaim(ino);
}

ssize_t FuseChannel::IoRead(int fd, void* buf, size_t len, void*) { return read(fd, buf, len); }

ssize_t FuseChannel::IoWritev(int fd, struct iovec* iov, int count, void* self) {
  auto* ch = static_cast<FuseChannel*>(self);
  // Only the loop thread sees INIT; the notifier thread's writes come later.
  if (ch->init_seen_ && wire::PatchInitReply(iov, count, ch->init_unique_, ch->init_extra_flags_)) {
    ch->init_seen_ = false;
  }
  return writev(fd, iov, count);
}

void FuseChannel::OnReadable() {
  for (int i = 0; i < kMaxRequestsPerWakeup && se_ != nullptr; ++i) {
    int res = fuse_session_receive_buf(se_, &buf_);
    if (res == -EINTR) continue;
    if (res == -EAGAIN) {
      empty_reads_.fetch_add(1, std::memory_order_relaxed);
      break;
    }
    if (res <= 0) {
      if (res < 0) spdlog::error("fuse: receive failed errno={}", -res);
      if (fuse_session_exited(se_) || res < 0) FinishExit(res < 0 ? -res : 0);
      break;
    }
    wire::Header h = wire::ReadHeader(buf_.mem, static_cast<size_t>(res));
    current_unique_ = h.unique;
    if (wire::IsInit(h.opcode)) {
      init_unique_ = h.unique;
      const bool v2 = options_.handle_killpriv &&
                      (wire::ReadInitFlags(buf_.mem, static_cast<size_t>(res)) & wire::kHandleKillprivV2);
      killpriv_v2_ = v2;
      init_extra_flags_ = v2 ? wire::kHandleKillprivV2 : 0;
      init_seen_ = true;
    }
    bool answered = true;
    if (wire::IsInline(h.opcode)) {
      fuse_buf b = buf_;
      b.size = static_cast<size_t>(res);
      fuse_session_process_buf(se_, &b);
    } else {
      answered = StartRequest(static_cast<size_t>(res));
    }
    if (fuse_session_exited(se_)) {
      FinishExit(0);
      break;
    }
    // A request that waits (an RPC, a timer) means its caller is blocked
    // and the next request is rarely queued yet: go back to epoll instead
    // of a read that would only say EAGAIN. The fd is level-triggered, so
    // a queued request is still reported at once.
    if (!answered) break;
  }
}

bool FuseChannel::StartRequest(size_t size) {
  // The request takes the receive buffer itself (no copy; a 1 MiB WRITE
  // used to be copied whole): libfuse's parse results point into it, and it
  // lives as long as the continuation (pitfall 3). The loop receives the
  // next request into a spare, or libfuse allocates a fresh one.
  void* mem = buf_.mem;
  buf_.mem = TakeSpareBuffer();
  const uint64_t unique = current_unique_;
  Continuation* cc = Continuation::Spawn(pool_, [this, mem, size, unique] {
    SpareReturn give_back(*this, mem);
    InFlightEntry entry(in_flight_, Continuation::Current());
    current_unique_ = unique;
    current_kill_suidgid_ = wire::KillSuidgid(mem, size);
    fuse_buf b{};
    b.mem = mem;
    b.size = size;
    fuse_session_process_buf(se_, &b);
  });
  in_flight_.insert(cc);
  const size_t pending = in_flight_.size();
  max_in_flight_ = std::max(max_in_flight_, pending);
  Continuation::Continue(cc);
  return in_flight_.size() < pending;  // its continuation ended: answered
}

void* FuseChannel::TakeSpareBuffer() {
  if (spare_bufs_.empty()) return nullptr;
  void* mem = spare_bufs_.back();
  spare_bufs_.pop_back();
  return mem;
}

void FuseChannel::ReturnSpareBuffer(void* mem) {
  if (spare_bufs_.size() < kMaxSpareBuffers) {
    spare_bufs_.push_back(mem);
  } else {
    free(mem);
  }
}

void FuseChannel::FinishExit(int err) {
  if (exit_reported_) return;
  exit_reported_ = true;
  loop_.RemoveFd(fd_);  // a dead fd would stay readable forever
  spdlog::debug("fuse: session ended by the kernel");
  if (on_exit_) on_exit_(err);
}

}  // namespace rpuffs::puffs
