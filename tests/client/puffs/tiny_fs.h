// tests/client/puffs — a tiny filesystem for the FUSE integration tests.
//
// /hello   a 12-byte file "hello world\n" (ino 2); read-only opens of it
//          ask for no FLUSH at close (noflush), other opens get one
// /block   its read waits until the kernel interrupts it, then fails EINTR
// Every inode has the xattr user.test = "value"; listxattr names
// user.test and user.other, and also security.selinux and
// system.posix_acl_access (which the framework must leave out); setxattr and
// removexattr accept any name and change nothing.
// /sink    accepts writes and forgets them (ino 4)
// /throws  a symlink whose readlink throws (the framework answers EIO)
// /pN...   any name starting with 'p' exists; its lookup sleeps 100 ms on a
//          framework timer (the loop keeps serving meanwhile)
// No mknod, no mkdir: those answer ENOSYS.
// Counters are atomics so the test thread can read them while mounted.
#pragma once

#include <atomic>
#include <string>

#include "client/puffs/ops.h"

namespace rpuffs::puffs::testfs {

constexpr char kHelloContent[] = "hello world\n";

struct Counters {
  std::atomic<int> lookups_in_flight{0};
  std::atomic<int> max_lookups_in_flight{0};
  std::atomic<int> slow_lookups{0};
  std::atomic<bool> block_entered{false};
  std::atomic<bool> block_saw_interrupt{false};
  std::atomic<int> reclaims{0};
  std::atomic<int> hello_lookups{0};
  std::atomic<size_t> max_write_seen{0};
  std::atomic<size_t> bytes_written{0};
  std::atomic<int> writes{0};
  std::atomic<int> kill_suidgid_writes{0};  // writes with OpenFile::kill_suidgid
  std::atomic<int> capability_probes{0};    // getxattr("security.capability")
  // get/set/removexattr calls for the names the framework answers itself
  // (POSIX ACLs, security.selinux): get and set never come.
  std::atomic<int> unused_xattr_calls{0};
  std::atomic<int> flushes{0};
};

// The ops table; `counters` must outlive the mount.
Ops MakeTinyFs(Counters* counters);

}  // namespace rpuffs::puffs::testfs
