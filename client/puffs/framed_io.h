// client/puffs — framed I/O on any number of fds (puffs framebuf).
//
// Each fd joins the event loop with four callbacks: read_frame and
// write_frame move bytes between the fd and a Frame (and say when one is
// complete), compare matches an incoming frame to the request it answers,
// got_frame takes the frames nobody waits for; on_error hears that the fd
// failed or closed. A continuation can
//   SendAndWait      send, and sleep until the matching answer (answers may
//                    arrive in any order: compare picks the waiter),
//   SendAndCallback  send, and have a callback run with the answer,
//   Send             send, no answer expected.
// EPOLLOUT is watched only while output is queued. When the fd fails or the
// peer closes, on_error runs once, then every waiter wakes with the errno
// (ECONNRESET for a clean close) and the fd leaves the loop; later sends on
// it fail with that errno until RemoveFd().
//
// Threading: loop thread only. Only SendAndWait suspends.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>

#include "client/puffs/event_loop.h"

namespace rpuffs::puffs {

// One frame in transit: its bytes and how many of them were moved so far.
struct Frame {
  std::string bytes;
  size_t done = 0;
};

struct FrameCallbacks {
  // Read what the fd has towards the frame in `in`; set *complete when it
  // is whole. Return 0, EAGAIN (nothing more now), or an errno
  // (ECONNRESET when the peer closed).
  std::function<int(int fd, Frame* in, bool* complete)> read_frame;
  // Write from out->bytes[out->done..]; set *complete when all is written.
  // Return 0, EAGAIN (fd full), or an errno.
  std::function<int(int fd, Frame* out, bool* complete)> write_frame;
  // Is `answer` the answer to `request`?
  std::function<bool(const std::string& request, const std::string& answer)> compare;
  // A frame that answers no waiter.
  std::function<void(int fd, std::string frame)> got_frame;
  // The fd failed (errno; ECONNRESET for a close). Runs before waiters wake.
  std::function<void(int fd, int err)> on_error;
};

// Ready-made codec: a 4-byte big-endian length, then that many bytes.
int ReadLengthPrefixedFrame(int fd, Frame* in, bool* complete);
int WriteFrameBytes(int fd, Frame* out, bool* complete);
// Wraps a payload in the length prefix ReadLengthPrefixedFrame expects.
std::string LengthPrefixed(const std::string& payload);

class FramedIo {
 public:
  using AnswerCallback = std::function<void(int err, std::string answer)>;

  explicit FramedIo(EventLoop& loop) : loop_(loop) {}
  ~FramedIo();  // removes every fd (waiters fail with ECANCELED)
  FramedIo(const FramedIo&) = delete;
  FramedIo& operator=(const FramedIo&) = delete;

  // Makes `fd` non-blocking and watches it. The caller keeps owning the fd.
  // Returns 0 or an errno (EEXIST if already added).
  int AddFd(int fd, FrameCallbacks callbacks);
  // Stops watching; queued output is dropped, waiters fail with ECANCELED.
  int RemoveFd(int fd);

  // REQUIRES: inside a continuation. Suspends until the answer arrives.
  // Returns 0 with *answer, or an errno (the fd failed, ENOENT unknown fd,
  // ECANCELED removed). *answer is untouched on failure.
  int SendAndWait(int fd, std::string frame, std::string* answer);
  // `cb` runs on the loop thread with the answer or an errno (exactly once,
  // unless this returns an errno: then never).
  int SendAndCallback(int fd, std::string frame, AnswerCallback cb);
  // Queues `frame`; 0 or an errno.
  int Send(int fd, std::string frame);

  // For tests and metrics.
  bool IsOutputWatched(int fd) const;
  size_t QueuedFrames(int fd) const;
  uint64_t OutputArmCount(int fd) const;     // times EPOLLOUT was turned on
  uint64_t OutputDisarmCount(int fd) const;  // times it was turned off
  size_t WaiterCount(int fd) const;

 private:
  struct Waiter;
  struct FdState;
  std::shared_ptr<FdState> Find(int fd) const;
  int Enqueue(int fd, std::string frame);
  // Hands a waiter its result: resumes its continuation or runs its callback.
  static void Wake(const std::shared_ptr<Waiter>& w);
  void OnEvents(const std::shared_ptr<FdState>& st, uint32_t events);
  void ReadFrames(const std::shared_ptr<FdState>& st);
  void WriteFrames(const std::shared_ptr<FdState>& st);
  void Deliver(const std::shared_ptr<FdState>& st, std::string frame);
  void Fail(const std::shared_ptr<FdState>& st, int err);
  void SetOutputWatch(FdState& st, bool on);

  EventLoop& loop_;
  std::unordered_map<int, std::shared_ptr<FdState>> fds_;
};

}  // namespace rpuffs::puffs
