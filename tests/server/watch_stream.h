// tests/server — one client-side Watch stream for the watch suites.
//
// WatchStream opens Watch for a session on its own channel. Events are read
// either directly (ReadNow(), blocking) or, after StartReading(), by a
// background thread into a queue (Next(), with a timeout). The stream has a
// 120 s deadline; the destructor cancels it and joins the thread, so a
// failing test never hangs on it.
//
// `small_window` makes the channel announce a small HTTP/2 receive window
// and turns off window growth (BDP probing), so a stream that is not read
// blocks the server's writes after a few KiB: the way to test what the
// server does with a watcher that falls behind.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "proto/rpuffs.grpc.pb.h"

namespace rpuffs::testing {

class WatchStream {
 public:
  WatchStream(const std::string& address, uint64_t session, bool small_window = false);
  // Same, but with the request exactly as given (e.g. without a header).
  WatchStream(const std::string& address, const v1::WatchRequest& req, bool small_window = false);
  ~WatchStream();
  WatchStream(const WatchStream&) = delete;
  WatchStream& operator=(const WatchStream&) = delete;

  // Blocking read of the next event; false once the stream ended.
  // REQUIRES: StartReading() not called.
  bool ReadNow(v1::WatchEvent* ev);
  // From now on a thread reads every event into the queue.
  void StartReading();
  // The next queued event, waiting up to `timeout`; false if none came.
  bool Next(v1::WatchEvent* ev, std::chrono::milliseconds timeout = std::chrono::seconds(10));
  // Waits up to `timeout` for the stream to end; its status, if it did.
  // Events still queued are dropped. REQUIRES: StartReading() called.
  std::optional<grpc::Status> Finished(std::chrono::milliseconds timeout = std::chrono::seconds(10));
  // Cancels the call from this side.
  void Cancel() { ctx_.TryCancel(); }

 private:
  void Open(const std::string& address, const v1::WatchRequest& req, bool small_window);
  void ReadLoop();

  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::Volume::Stub> stub_;
  grpc::ClientContext ctx_;
  std::unique_ptr<grpc::ClientReader<v1::WatchEvent>> reader_;
  std::thread thread_;

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<v1::WatchEvent> events_;  // guarded by mu_
  std::optional<grpc::Status> status_;  // guarded by mu_
};

// Change{ino}, Change{parent, name}: what a test expects to receive.
v1::Change InodeChange(uint64_t ino);
v1::Change EntryChange(uint64_t parent, const std::string& name);
std::string Describe(const std::vector<v1::Change>& changes);

// Reads events (after StartReading()) until at least `want.size()` changes
// arrived or `timeout` passed, and returns every change received (an overflow
// event shows up as ino = parent = ~0).
std::vector<v1::Change> CollectChanges(WatchStream& w, size_t want,
                                       std::chrono::milliseconds timeout = std::chrono::seconds(10));

bool operator==(const v1::Change& a, const v1::Change& b);
bool SameChanges(const std::vector<v1::Change>& a, const std::vector<v1::Change>& b);

}  // namespace rpuffs::testing
