#include "tests/support/test_support.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace rpuffs::testing {
namespace fs = std::filesystem;

TempDir::TempDir(const std::string& prefix) {
  const char* base = getenv("TMPDIR");
  std::string templ = std::string(base && *base ? base : "/tmp") + "/" + prefix + "-XXXXXX";
  std::vector<char> buf(templ.begin(), templ.end());
  buf.push_back('\0');
  if (!mkdtemp(buf.data())) throw std::runtime_error("mkdtemp: " + std::string(strerror(errno)));
  path_ = buf.data();
}

TempDir::~TempDir() {
  std::error_code ec;
  // A mount left inside would make remove_all fail or descend into it.
  for (auto it = fs::recursive_directory_iterator(path_, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    if (it->is_directory(ec) && IsFuseMounted(it->path().string())) {
      ForceUnmount(it->path().string());
      it.disable_recursion_pending();
    }
  }
  fs::remove_all(path_, ec);
}

int FreeLoopbackPort() {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw std::runtime_error("socket failed");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    close(fd);
    throw std::runtime_error("bind to a free port failed");
  }
  int port = ntohs(addr.sin_port);
  close(fd);
  return port;
}

bool LoopbackPortAccepts(int port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  bool ok = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  close(fd);
  return ok;
}

std::string BinaryPath(const std::string& relative_to_build_dir) {
#ifdef RPUFFS_BUILD_DIR
  return std::string(RPUFFS_BUILD_DIR) + "/" + relative_to_build_dir;
#else
  return relative_to_build_dir;
#endif
}

Subprocess::Subprocess(std::vector<std::string> argv, bool inherit_output) {
  if (!inherit_output) {
    char templ[] = "/tmp/rpuffs-child-XXXXXX";
    int ofd = mkstemp(templ);
    if (ofd < 0) throw std::runtime_error("mkstemp failed");
    close(ofd);
    output_path_ = templ;
  }
  std::vector<char*> args;
  for (auto& a : argv) args.push_back(a.data());
  args.push_back(nullptr);
  // A child forked from the main thread dies with the test process, even one
  // killed from outside; PR_SET_PDEATHSIG fires when the forking *thread*
  // exits, so children forked from short-lived threads do not get it.
  const bool from_main_thread = syscall(SYS_gettid) == getpid();
  const pid_t parent = getpid();
  pid_ = fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    if (from_main_thread) {
      prctl(PR_SET_PDEATHSIG, SIGKILL);
      if (getppid() != parent) _exit(127);  // the parent died before prctl
    }
    // Unblock signals the test harness may have blocked.
    sigset_t all;
    sigemptyset(&all);
    sigprocmask(SIG_SETMASK, &all, nullptr);
    if (!output_path_.empty()) {
      int fd = open(output_path_.c_str(), O_WRONLY | O_APPEND);
      if (fd >= 0) {
        dup2(fd, 1);
        dup2(fd, 2);
        close(fd);
      }
    }
    int devnull = open("/dev/null", O_RDONLY);
    if (devnull >= 0) dup2(devnull, 0);
    execv(args[0], args.data());
    fprintf(stderr, "exec %s: %s\n", args[0], strerror(errno));
    _exit(127);
  }
}

Subprocess::~Subprocess() {
  if (pid_ > 0 && !reaped_) {
    Signal(SIGTERM);
    if (Wait(std::chrono::seconds(5)) == -1 && !reaped_) {
      Signal(SIGKILL);
      Wait(std::chrono::seconds(5));
    }
  }
  if (!output_path_.empty()) unlink(output_path_.c_str());
}

bool Subprocess::running() {
  if (reaped_ || pid_ <= 0) return false;
  int st = 0;
  pid_t r = waitpid(pid_, &st, WNOHANG);
  if (r == pid_) {
    reaped_ = true;
    status_ = st;
    return false;
  }
  return true;
}

void Subprocess::Signal(int sig) {
  if (pid_ > 0 && !reaped_) kill(pid_, sig);
}

int Subprocess::Wait(std::chrono::milliseconds timeout) {
  if (reaped_) return status_;
  bool done = WaitUntil([this] { return !running(); }, timeout);
  return done ? status_ : -1;
}

std::string Subprocess::Output() const {
  if (output_path_.empty()) return {};
  std::ifstream in(output_path_);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

int RunCommand(const std::vector<std::string>& argv, std::string* output, std::chrono::milliseconds timeout) {
  Subprocess p(argv);
  int st = p.Wait(timeout);
  if (output) *output = p.Output();
  if (st == -1 || !WIFEXITED(st)) return -1;
  return WEXITSTATUS(st);
}

bool WaitUntil(const std::function<bool()>& pred, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  auto step = std::chrono::milliseconds(2);
  while (true) {
    if (pred()) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(step);
    if (step < std::chrono::milliseconds(50)) step *= 2;
  }
}

bool IsFuseMounted(const std::string& path) {
  std::error_code ec;
  std::string want = fs::weakly_canonical(path, ec).string();
  if (ec) want = path;
  std::ifstream in("/proc/self/mountinfo");
  std::string line;
  while (std::getline(in, line)) {
    // id parent maj:min root mountpoint opts ... - fstype source superopts
    std::istringstream ls(line);
    std::string id, parent, dev, root, mnt;
    ls >> id >> parent >> dev >> root >> mnt;
    auto dash = line.find(" - ");
    if (dash == std::string::npos) continue;
    std::istringstream rest(line.substr(dash + 3));
    std::string fstype;
    rest >> fstype;
    if (mnt == want && fstype.rfind("fuse", 0) == 0) return true;
  }
  return false;
}

void ForceUnmount(const std::string& path) {
  if (!IsFuseMounted(path)) return;
  RunCommand({"/bin/fusermount3", "-u", "-z", path}, nullptr, std::chrono::seconds(10));
  if (IsFuseMounted(path)) RunCommand({"/bin/umount", "-l", path}, nullptr, std::chrono::seconds(10));
}

}  // namespace rpuffs::testing
