#include "client/puffs/framed_io.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <deque>
#include <list>

#include "client/puffs/continuation.h"

namespace rpuffs::puffs {
namespace {

constexpr size_t kMaxFrame = 64u << 20;
constexpr int kMaxFramesPerWakeup = 64;

uint32_t PrefixLength(const std::string& bytes) {
  uint32_t be;
  memcpy(&be, bytes.data(), sizeof be);
  return ntohl(be);
}

}  // namespace

int ReadLengthPrefixedFrame(int fd, Frame* in, bool* complete) {
  *complete = false;
  for (;;) {
    const size_t have = in->bytes.size();
    size_t want = 4;
    if (have >= 4) {
      uint32_t len = PrefixLength(in->bytes);
      if (len > kMaxFrame) return EPROTO;
      want = 4 + len;
    }
    if (have == want && have >= 4) {
      *complete = true;
      return 0;
    }
    char buf[64 * 1024];
    ssize_t n = read(fd, buf, std::min(want - have, sizeof buf));
    if (n > 0) {
      in->bytes.append(buf, static_cast<size_t>(n));
    } else if (n == 0) {
      return ECONNRESET;
    } else if (errno != EINTR) {
      return errno == EWOULDBLOCK ? EAGAIN : errno;
    }
  }
}

int WriteFrameBytes(int fd, Frame* out, bool* complete) {
  *complete = false;
  while (out->done < out->bytes.size()) {
    const char* p = out->bytes.data() + out->done;
    size_t left = out->bytes.size() - out->done;
    ssize_t n = send(fd, p, left, MSG_NOSIGNAL);
    if (n < 0 && errno == ENOTSOCK) n = write(fd, p, left);
    if (n > 0) {
      out->done += static_cast<size_t>(n);
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else {
      return n < 0 ? (errno == EWOULDBLOCK ? EAGAIN : errno) : EIO;
    }
  }
  *complete = true;
  return 0;
}

std::string LengthPrefixed(const std::string& payload) {
  uint32_t be = htonl(static_cast<uint32_t>(payload.size()));
  std::string out(reinterpret_cast<const char*>(&be), sizeof be);
  return out + payload;
}

struct FramedIo::Waiter {
  std::string request;
  Continuation* cc = nullptr;  // SendAndWait
  AnswerCallback cb;           // SendAndCallback
  bool done = false;
  int err = 0;
  std::string answer;
};

struct FramedIo::FdState {
  int fd = -1;
  FrameCallbacks cbs;
  std::deque<Frame> out;
  Frame in;
  std::list<std::shared_ptr<Waiter>> waiters;
  bool out_watched = false;
  int dead_err = 0;  // set once failed or removed
  uint64_t arms = 0;
  uint64_t disarms = 0;
};

FramedIo::~FramedIo() {
  while (!fds_.empty()) RemoveFd(fds_.begin()->first);
}

std::shared_ptr<FramedIo::FdState> FramedIo::Find(int fd) const {
  auto it = fds_.find(fd);
  return it == fds_.end() ? nullptr : it->second;
}

int FramedIo::AddFd(int fd, FrameCallbacks callbacks) {
  if (fds_.count(fd)) return EEXIST;
  int flags = fcntl(fd, F_GETFL);
  if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) != 0) return errno;
  auto st = std::make_shared<FdState>();
  st->fd = fd;
  st->cbs = std::move(callbacks);
  std::weak_ptr<FdState> weak = st;
  int err = loop_.AddFd(fd, EPOLLIN, [this, weak](uint32_t events) {
    if (auto locked = weak.lock()) OnEvents(locked, events);
  });
  if (err != 0) return err;
  fds_[fd] = std::move(st);
  return 0;
}

int FramedIo::RemoveFd(int fd) {
  auto st = Find(fd);
  if (!st) return ENOENT;
  fds_.erase(fd);
  if (st->dead_err == 0) {
    st->dead_err = ECANCELED;
    loop_.RemoveFd(fd);
    st->out.clear();
    auto waiters = std::move(st->waiters);
    for (auto& w : waiters) {
      w->err = ECANCELED;
      Wake(w);
    }
  }
  return 0;
}

int FramedIo::Enqueue(int fd, std::string frame) {
  auto st = Find(fd);
  if (!st) return ENOENT;
  if (st->dead_err != 0) return st->dead_err;
  Frame f;
  f.bytes = std::move(frame);
  st->out.push_back(std::move(f));
  if (st->out.size() == 1) WriteFrames(st);  // nothing ahead of it: try now
  return 0;
}

int FramedIo::Send(int fd, std::string frame) { return Enqueue(fd, std::move(frame)); }

int FramedIo::SendAndCallback(int fd, std::string frame, AnswerCallback cb) {
  auto st = Find(fd);
  if (!st) return ENOENT;
  if (st->dead_err != 0) return st->dead_err;
  auto w = std::make_shared<Waiter>();
  w->request = frame;
  w->cb = std::move(cb);
  st->waiters.push_back(w);
  // A write failure inside Enqueue already called cb with the errno.
  Enqueue(fd, std::move(frame));
  return 0;
}

int FramedIo::SendAndWait(int fd, std::string frame, std::string* answer) {
  Continuation* me = Continuation::Current();
  if (me == nullptr) return EINVAL;
  auto st = Find(fd);
  if (!st) return ENOENT;
  if (st->dead_err != 0) return st->dead_err;
  auto w = std::make_shared<Waiter>();
  w->request = frame;
  w->cc = me;
  st->waiters.push_back(w);
  // However this frame ends (answer, failure, or the continuation unwound),
  // the waiter leaves the list.
  struct Unlist {
    FdState* st;
    std::shared_ptr<Waiter> w;
    ~Unlist() { st->waiters.remove(w); }
  } unlist{st.get(), w};
  Enqueue(fd, std::move(frame));
  while (!w->done) Continuation::Yield();
  if (w->err != 0) return w->err;
  *answer = std::move(w->answer);
  return 0;
}

void FramedIo::OnEvents(const std::shared_ptr<FdState>& st, uint32_t events) {
  if (events & (EPOLLIN | EPOLLHUP | EPOLLERR)) ReadFrames(st);
  if (st->dead_err == 0 && (events & EPOLLOUT)) WriteFrames(st);
}

void FramedIo::ReadFrames(const std::shared_ptr<FdState>& st) {
  for (int i = 0; i < kMaxFramesPerWakeup && st->dead_err == 0; ++i) {
    bool complete = false;
    int err = st->cbs.read_frame(st->fd, &st->in, &complete);
    if (complete) {
      std::string frame = std::move(st->in.bytes);
      st->in = Frame{};
      Deliver(st, std::move(frame));
      continue;
    }
    if (err != 0 && err != EAGAIN) Fail(st, err);
    return;
  }
}

void FramedIo::WriteFrames(const std::shared_ptr<FdState>& st) {
  while (!st->out.empty()) {
    bool complete = false;
    int err = st->cbs.write_frame(st->fd, &st->out.front(), &complete);
    if (complete) {
      st->out.pop_front();
      continue;
    }
    if (err != 0 && err != EAGAIN) return Fail(st, err);
    break;
  }
  SetOutputWatch(*st, !st->out.empty());
}

void FramedIo::SetOutputWatch(FdState& st, bool on) {
  if (st.out_watched == on || st.dead_err != 0) return;
  if (loop_.ModifyFd(st.fd, on ? (EPOLLIN | EPOLLOUT) : EPOLLIN) != 0) return;
  st.out_watched = on;
  ++(on ? st.arms : st.disarms);
}

void FramedIo::Deliver(const std::shared_ptr<FdState>& st, std::string frame) {
  for (auto it = st->waiters.begin(); it != st->waiters.end(); ++it) {
    if (!st->cbs.compare || !st->cbs.compare((*it)->request, frame)) continue;
    std::shared_ptr<Waiter> w = *it;
    st->waiters.erase(it);
    w->answer = std::move(frame);
    Wake(w);
    return;
  }
  if (st->cbs.got_frame) st->cbs.got_frame(st->fd, std::move(frame));
}

void FramedIo::Fail(const std::shared_ptr<FdState>& st, int err) {
  if (st->dead_err != 0) return;
  st->dead_err = err;
  loop_.RemoveFd(st->fd);
  st->out.clear();
  if (st->cbs.on_error) st->cbs.on_error(st->fd, err);
  auto waiters = std::move(st->waiters);
  st->waiters.clear();
  for (auto& w : waiters) {
    w->err = err;
    Wake(w);
  }
}

// A continuation that is running right now (its own Send failed) just
// finds `done` set when Enqueue returns.
void FramedIo::Wake(const std::shared_ptr<Waiter>& w) {
  if (w->done) return;
  w->done = true;
  if (w->cc != nullptr) {
    if (!w->cc->running()) Continuation::Continue(w->cc);
  } else if (w->cb) {
    w->cb(w->err, std::move(w->answer));
  }
}

bool FramedIo::IsOutputWatched(int fd) const {
  auto st = Find(fd);
  return st && st->out_watched;
}

size_t FramedIo::QueuedFrames(int fd) const {
  auto st = Find(fd);
  return st ? st->out.size() : 0;
}

uint64_t FramedIo::OutputArmCount(int fd) const {
  auto st = Find(fd);
  return st ? st->arms : 0;
}

uint64_t FramedIo::OutputDisarmCount(int fd) const {
  auto st = Find(fd);
  return st ? st->disarms : 0;
}

size_t FramedIo::WaiterCount(int fd) const {
  auto st = Find(fd);
  return st ? st->waiters.size() : 0;
}

}  // namespace rpuffs::puffs
