#include "tests/posix/as_user.h"

#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

#include <gtest/gtest.h>

namespace rpuffs::posix {
namespace {

constexpr int kAnswerTimeoutMs = 10000;

[[noreturn]] void ChildMain(const Credentials& who, const std::function<int()>& fn, int out_fd) {
  if (setgroups(who.groups.size(), who.groups.data()) != 0 || setresgid(who.gid, who.gid, who.gid) != 0 ||
      setresuid(who.uid, who.uid, who.uid) != 0 || geteuid() != who.uid || getegid() != who.gid) {
    _exit(3);
  }
  // Regaining root must be impossible, or the test proves nothing.
  if (setresuid(0, 0, 0) == 0) _exit(4);
  int result = fn();
  ssize_t n = write(out_fd, &result, sizeof result);
  _exit(n == sizeof result ? 0 : 5);
}

// Reads the child's answer, or gives up after the deadline.
bool ReadAnswer(int fd, int* result) {
  pollfd p{fd, POLLIN, 0};
  int ready;
  do {
    ready = poll(&p, 1, kAnswerTimeoutMs);
  } while (ready < 0 && errno == EINTR);
  if (ready <= 0) return false;
  return read(fd, result, sizeof *result) == sizeof *result;
}

}  // namespace

int RunAs(const Credentials& who, const std::function<int()>& fn) {
  int pipefd[2];
  if (pipe2(pipefd, O_CLOEXEC) != 0) {
    ADD_FAILURE() << "pipe2: " << strerror(errno);
    return kChildFailed;
  }
  pid_t pid = fork();
  if (pid < 0) {
    ADD_FAILURE() << "fork: " << strerror(errno);
    close(pipefd[0]);
    close(pipefd[1]);
    return kChildFailed;
  }
  if (pid == 0) {
    close(pipefd[0]);
    ChildMain(who, fn, pipefd[1]);
  }
  close(pipefd[1]);
  int result = kChildFailed;
  bool answered = ReadAnswer(pipefd[0], &result);
  close(pipefd[0]);
  if (!answered) kill(pid, SIGKILL);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (!answered || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    ADD_FAILURE() << "child as uid " << who.uid << " failed: answered=" << answered << " status=" << status;
    return kChildFailed;
  }
  return result;
}

}  // namespace rpuffs::posix
