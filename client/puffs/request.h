// client/puffs — one kernel request as an op sees it.
//
// A Request lives from the moment its bytes are read off /dev/fuse until the
// framework has sent its reply; it owns a copy of those bytes, so everything
// an op receives stays valid while the op's continuation is suspended.
// Accessors are loop-thread only.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <vector>

namespace rpuffs::puffs {

struct Caller {
  uid_t uid = 0;
  gid_t gid = 0;
  pid_t pid = 0;
  mode_t umask = 0;
};

class Request {
 public:
  virtual ~Request() = default;

  const Caller& caller() const { return caller_; }
  uint64_t unique() const { return unique_; }

  // Supplementary groups of the caller (read from /proc on first use; empty
  // if the process is gone).
  virtual const std::vector<gid_t>& groups() = 0;

  // True once the kernel sent INTERRUPT for this request.
  virtual bool interrupted() const = 0;
  // `fn` runs on the loop thread when the kernel interrupts this request (at
  // once if it already has). Typically it cancels the call the op waits on;
  // the op then returns EINTR. Replaces any earlier callback.
  virtual void OnInterrupt(std::function<void()> fn) = 0;

 protected:
  Caller caller_;
  uint64_t unique_ = 0;
};

}  // namespace rpuffs::puffs
