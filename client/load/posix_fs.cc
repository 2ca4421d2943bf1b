#include "client/load/posix_fs.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace rpuffs::load {
namespace {

Node Child(const Node& dir, const std::string& name) {
  return Node{0, dir.rel.empty() ? name : dir.rel + "/" + name};
}

int Errno() { return errno != 0 ? errno : EIO; }

}  // namespace

bool CheckMountDir(const std::string& dir, std::string* why) {
  struct stat st;
  if (stat(dir.c_str(), &st) != 0) {
    *why = "cannot use mount " + dir + ": " + std::strerror(errno);
    return false;
  }
  if (!S_ISDIR(st.st_mode)) {
    *why = "mount " + dir + " is not a directory";
    return false;
  }
  return true;
}

std::string PosixFs::Path(const Node& n) const {
  return n.rel.empty() ? root_ : root_ + "/" + n.rel;
}

void PosixFs::Mkdir(const Node& dir, const std::string& name, NodeCb done) {
  Node child = Child(dir, name);
  if (mkdir(Path(child).c_str(), 0755) != 0) return done(Errno(), Node{});
  done(0, child);
}

void PosixFs::Create(const Node& dir, const std::string& name, CreateCb done) {
  Node child = Child(dir, name);
  int fd = open(Path(child).c_str(), O_CREAT | O_EXCL | O_RDWR | O_CLOEXEC, 0644);
  if (fd < 0) return done(Errno(), Node{}, Handle{});
  done(0, child, Handle{0, 0, fd});
}

void PosixFs::Lookup(const Node& dir, const std::string& name, NodeCb done) {
  Node child = Child(dir, name);
  struct stat st;
  if (stat(Path(child).c_str(), &st) != 0) return done(Errno(), Node{});
  child.ino = st.st_ino;
  done(0, child);
}

void PosixFs::Open(const Node& file, int flags, OpenCb done) {
  int fd = open(Path(file).c_str(), flags | O_CLOEXEC);
  if (fd < 0) return done(Errno(), Handle{});
  done(0, Handle{file.ino, 0, fd});
}

void PosixFs::Readdir(const Node& dir, CountCb done) {
  DIR* d = opendir(Path(dir).c_str());
  if (d == nullptr) return done(Errno(), 0);
  uint64_t count = 0;
  errno = 0;
  while (struct dirent* e = readdir(d)) {
    if (std::strcmp(e->d_name, ".") != 0 && std::strcmp(e->d_name, "..") != 0) ++count;
  }
  int err = errno;
  closedir(d);
  done(err, err == 0 ? count : 0);
}

void PosixFs::Unlink(const Node& dir, const std::string& name, ErrCb done) {
  done(unlink(Path(Child(dir, name)).c_str()) == 0 ? 0 : Errno());
}

void PosixFs::Rmdir(const Node& dir, const std::string& name, ErrCb done) {
  done(rmdir(Path(Child(dir, name)).c_str()) == 0 ? 0 : Errno());
}

void PosixFs::Write(const Handle& h, uint64_t offset, std::string data, WriteCb done) {
  size_t at = 0;
  while (at < data.size()) {
    ssize_t n = pwrite(h.fd, data.data() + at, data.size() - at, static_cast<off_t>(offset + at));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return done(Errno(), Written{});
    if (n == 0) return done(EIO, Written{});
    at += static_cast<size_t>(n);
  }
  done(0, Written{data.size()});
}

void PosixFs::Read(const Handle& h, uint64_t offset, uint32_t size, DataCb done) {
  std::string data(size, '\0');
  size_t at = 0;
  while (at < size) {
    ssize_t n = pread(h.fd, data.data() + at, size - at, static_cast<off_t>(offset + at));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return done(Errno(), std::string());
    if (n == 0) break;
    at += static_cast<size_t>(n);
  }
  data.resize(at);
  done(0, std::move(data));
}

void PosixFs::Close(const Handle& h, ErrCb done) { done(close(h.fd) == 0 ? 0 : Errno()); }

}  // namespace rpuffs::load
