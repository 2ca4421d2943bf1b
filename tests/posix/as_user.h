// tests/posix — run a piece of a test as an unprivileged caller.
//
// RunAs forks; the child drops root (setgroups, setresgid, setresuid, in that
// order, then checks it really lost it), runs `fn`, writes fn's int result to
// a pipe and _exits. The test process itself stays root, so it can prepare
// and inspect files around the call. `fn` must not use gtest assertions (it
// runs in the child); it returns an errno (0 for success) or any other int.
//
// Threading: call only while the test has no other threads running.
#pragma once

#include <sys/types.h>

#include <climits>
#include <functional>
#include <vector>

namespace rpuffs::posix {

struct Credentials {
  uid_t uid;
  gid_t gid;
  std::vector<gid_t> groups;  // supplementary groups; empty for none
};

// Unprivileged identities used by the permission tests.
inline const Credentials kAlice{1000, 1000, {}};
inline const Credentials kBob{1001, 1001, {}};

// Returned (with a test failure recorded) when the child could not drop
// privileges, crashed, or did not answer within 10 s.
constexpr int kChildFailed = INT_MIN;

// Runs `fn` as `who` in a forked child and returns its result.
int RunAs(const Credentials& who, const std::function<int()>& fn);

}  // namespace rpuffs::posix
