#include "tests/client/puffs/tiny_fs.h"

#include <dirent.h>
#include <fcntl.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <stdexcept>

#include "client/puffs/continuation.h"
#include "client/puffs/event_loop.h"
#include "client/puffs/request.h"

namespace rpuffs::puffs::testfs {
namespace {

constexpr Ino kHelloIno = 2;
constexpr Ino kBlockIno = 3;
constexpr Ino kSinkIno = 4;
constexpr Ino kThrowsIno = 5;
constexpr Ino kFirstSlowIno = 100;

struct stat AttrOf(Ino ino) {
  struct stat st {};
  st.st_ino = ino;
  st.st_nlink = 1;
  if (ino == kRootIno) {
    st.st_mode = S_IFDIR | 0755;
    st.st_nlink = 2;
  } else if (ino == kThrowsIno) {
    st.st_mode = S_IFLNK | 0777;
  } else if (ino == kSinkIno) {
    st.st_mode = S_IFREG | 0666;
  } else if (ino == kHelloIno) {
    st.st_mode = S_IFREG | 0644;
    st.st_size = sizeof kHelloContent - 1;
  } else {
    st.st_mode = S_IFREG | 0644;
    st.st_size = 4096;
  }
  return st;
}

int SlowLookup(Counters* c, const std::string& name, Entry* out) {
  int now = ++c->lookups_in_flight;
  int seen = c->max_lookups_in_flight.load();
  while (now > seen && !c->max_lookups_in_flight.compare_exchange_weak(seen, now)) {
  }
  EventLoop::Current()->SleepFor(std::chrono::milliseconds(100));
  --c->lookups_in_flight;
  ++c->slow_lookups;
  out->ino = kFirstSlowIno + std::hash<std::string>()(name) % 100000;
  out->attr = AttrOf(out->ino);
  return 0;
}

int BlockingRead(Counters* c, Request& req) {
  Continuation* me = Continuation::Current();
  req.OnInterrupt([me] { Continuation::Schedule(me); });
  c->block_entered = true;
  // Bounded: each wake-up is either the interrupt or a spurious resume.
  for (int i = 0; i < 1000 && !req.interrupted(); ++i) Continuation::Yield();
  c->block_saw_interrupt = req.interrupted();
  return EINTR;
}

}  // namespace

Ops MakeTinyFs(Counters* c) {
  Ops ops;
  ops.lookup = [c](Request&, Ino parent, const std::string& name, Entry* out) {
    if (parent != kRootIno) return ENOENT;
    if (name == "hello") ++c->hello_lookups;
    if (name == "sink" || name == "throws") {
      out->ino = name == "sink" ? kSinkIno : kThrowsIno;
      out->attr = AttrOf(out->ino);
      return 0;
    }
    if (name == "hello" || name == "block") {
      out->ino = name == "hello" ? kHelloIno : kBlockIno;
      out->attr = AttrOf(out->ino);
      out->entry_timeout = 3600;  // cached until invalidated
      return 0;
    }
    if (!name.empty() && name[0] == 'p') return SlowLookup(c, name, out);
    return ENOENT;
  };
  ops.reclaim = [c](Ino) { ++c->reclaims; };
  ops.getattr = [](Request&, Ino ino, AttrOut* out) {
    out->attr = AttrOf(ino);
    return 0;
  };
  // /block bypasses the page cache: a synchronous READ is one the kernel
  // can interrupt (readahead and O_DIRECT requests are not).
  ops.open = [](Request&, Ino ino, OpenFile* fi) {
    fi->direct_io = ino == kBlockIno;
    fi->noflush = ino == kHelloIno && (fi->flags & O_ACCMODE) == O_RDONLY;
    return 0;
  };
  ops.flush = [c](Request&, Ino, OpenFile&) {
    ++c->flushes;
    return 0;
  };
  ops.read = [c](Request& req, Ino ino, size_t size, off_t off, OpenFile&, std::string* out) {
    if (ino == kBlockIno) return BlockingRead(c, req);
    std::string all = ino == kHelloIno ? kHelloContent : std::string(4096, 'x');
    if (static_cast<size_t>(off) < all.size()) *out = all.substr(off, size);
    return 0;
  };
  ops.write = [c](Request&, Ino, const char*, size_t size, off_t, OpenFile& fi, size_t* written) {
    ++c->writes;
    if (fi.kill_suidgid) ++c->kill_suidgid_writes;
    size_t seen = c->max_write_seen.load();
    while (size > seen && !c->max_write_seen.compare_exchange_weak(seen, size)) {
    }
    c->bytes_written += size;
    *written = size;
    return 0;
  };
  // Breaks the ops contract on purpose: the framework must answer EIO.
  ops.readlink = [](Request&, Ino, std::string*) -> int { throw std::runtime_error("readlink bug"); };
  auto count_unused = [c](const std::string& name) {
    if (name.rfind("system.posix_acl_", 0) == 0 || name == "security.selinux") ++c->unused_xattr_calls;
  };
  ops.getxattr = [c, count_unused](Request&, Ino, const std::string& name, std::string* value) {
    count_unused(name);
    if (name == "security.capability") ++c->capability_probes;
    if (name != "user.test") return ENODATA;
    *value = "value";
    return 0;
  };
  ops.listxattr = [](Request&, Ino, std::vector<std::string>* names) {
    *names = {"user.test", "system.posix_acl_access", "user.other", "security.selinux"};
    return 0;
  };
  ops.setxattr = [count_unused](Request&, Ino, const std::string& name, const std::string&, int) {
    count_unused(name);
    return 0;
  };
  ops.removexattr = [count_unused](Request&, Ino, const std::string& name) {
    count_unused(name);
    return 0;
  };
  ops.readdir = [](Request&, Ino ino, uint64_t off, bool, OpenFile&, std::vector<DirEntry>* out) {
    const char* names[] = {".", "..", "hello", "block"};
    const Ino inos[] = {kRootIno, kRootIno, kHelloIno, kBlockIno};
    for (uint64_t i = off; i < 4; ++i) {
      DirEntry d;
      d.name = names[i];
      d.ino = inos[i];
      d.type = i < 2 ? S_IFDIR : S_IFREG;
      d.offset = i + 1;
      out->push_back(d);
    }
    return 0;
  };
  return ops;
}

}  // namespace rpuffs::puffs::testfs
