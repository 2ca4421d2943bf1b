#include "client/rpuffs/remote_fs.h"

#include <algorithm>

#include "client/remote/errors.h"
#include "client/rpuffs/fs_ops.h"

namespace rpuffs::client {
namespace {

timespec ToTimespec(const v1::Timespec& t) {
  timespec ts{};
  ts.tv_sec = t.sec();
  ts.tv_nsec = t.nsec();
  return ts;
}

}  // namespace

RemoteFs::RemoteFs(std::unique_ptr<remote::RemoteVolume> volume, puffs::EventLoop& loop,
                   const FsSettings& settings)
    : settings_(settings), root_(volume->root_ino()),
      write_behind_(settings.write_behind ? std::make_unique<WriteBehind>(kWriteBehindBytes)
                                          : nullptr),
      queue_(std::make_unique<CompletionQueue>(loop)), volume_(std::move(volume)),
      dirs_(settings.entry_timeout), loop_(loop),
      read_around_(settings.read_around, loop, [this] { return notifier(); }) {
  // Replies sent once nothing was held or in flight: the shadows follow them.
  OnAttr([this](Ino, const v1::Attr& a, double) {
    if (write_behind_ && write_behind_->idle()) held_.Refresh(a);
  });
}

RemoteFs::~RemoteFs() {
  if (echo_timer_ != 0) loop_.CancelTimer(echo_timer_);
  if (held_timer_ != 0) loop_.CancelTimer(held_timer_);
  // Cancels and drains every call first: no callback may push afterwards.
  volume_.reset();
  queue_.reset();
  write_behind_.reset();
}

int RemoteFs::StartWrite(v1::WriteRequest req) {
  uint64_t fh = req.fh();
  // Again: a failure may have come while what was held went first.
  if (int err = write_behind_->TakeError(fh); err != 0) return err;
  uint64_t id = write_behind_->Begin(req.ino(), req.offset(), req.data().size(), req.append());
  WriteBehind* wb = write_behind_.get();
  CompletionQueue* queue = queue_.get();
  // Not cancelled by an interrupt: the application was already told it succeeded.
  volume_->Call(remote::kWrite, std::move(req),
                remote::Done<v1::WriteReply>([wb, queue, id, fh](int err, v1::WriteReply& rep) {
                  if (err == 0 && rep.count() == 0) err = EIO;  // a short write we cannot redo
                  queue->Push([wb, id, fh, err] { wb->End(id, fh, err); });
                }));
  return 0;
}

void RemoteFs::StampCredentials(puffs::Request& r, v1::RequestHeader* hdr) const {
  auto* cred = hdr->mutable_cred();
  const puffs::Caller& c = r.caller();
  cred->set_uid(c.uid);
  cred->set_gid(c.gid);
  cred->set_pid(c.pid);
  cred->clear_groups();  // a request may be stamped twice (a setattr not held after all)
  // Root bypasses the server's checks: spare the /proc read for its groups.
  if (c.uid != 0) {
    for (gid_t g : r.groups()) cred->add_groups(g);
  }
}

int RemoteFs::FillAttr(const char* method, const v1::Attr& a, puffs::AttrOut* out) {
  if (a.ino() == 0) return remote::ProtocolError(method, "reply without attributes");
  struct stat& st = out->attr;
  st = {};
  st.st_ino = ToKernel(a.ino());
  st.st_mode = a.mode();
  st.st_nlink = a.nlink();
  st.st_uid = a.uid();
  st.st_gid = a.gid();
  st.st_rdev = a.rdev();
  st.st_size = static_cast<off_t>(a.size());
  st.st_blocks = static_cast<blkcnt_t>(a.blocks());
  st.st_blksize = a.blksize();
  st.st_atim = ToTimespec(a.atime());
  st.st_mtim = ToTimespec(a.mtime());
  st.st_ctim = ToTimespec(a.ctime());
  bool long_ok = settings_.attr_timeout > 0 && LongOk() && grants_.GrantInode(st.st_ino);
  out->timeout = long_ok ? LongTimeout(settings_.attr_timeout) : settings_.attr_timeout;
  if (!attr_hooks_.empty()) {
    double trust = TrustFor(settings_.attr_timeout);
    for (auto& fn : attr_hooks_) fn(st.st_ino, a, trust);
  }
  return 0;
}

int RemoteFs::FillEntry(const char* method, const v1::Attr& a, puffs::Entry* out) {
  puffs::AttrOut attr;
  if (int err = FillAttr(method, a, &attr); err != 0) return err;
  out->ino = ToKernel(a.ino());
  out->generation = a.generation();
  out->attr = attr.attr;
  out->attr_timeout = attr.timeout;
  out->entry_timeout = settings_.entry_timeout;
  return 0;
}

int RemoteFs::FillEntry(const char* method, const v1::Attr& a, Ino parent, const std::string& name,
                        puffs::Entry* out) {
  if (int err = FillEntry(method, a, out); err != 0) return err;
  out->entry_timeout = EntryTimeout(parent, name);
  return 0;
}

double RemoteFs::EntryTimeout(Ino parent, const std::string& name) {
  bool long_ok = settings_.entry_timeout > 0 && LongOk() && grants_.GrantEntry(parent, name);
  return long_ok ? LongTimeout(settings_.entry_timeout) : settings_.entry_timeout;
}

double RemoteFs::KnownAbsentTimeout(Ino parent, const std::string& name, double remaining) {
  // Knowledge kept while watching is kept right by the notices.
  if (watching_ && dirs_.watching() && grants_.GrantEntry(parent, name)) {
    return LongTimeout(settings_.entry_timeout);
  }
  return std::min(remaining, settings_.entry_timeout);
}

double RemoteFs::LongTimeout(double short_timeout) const {
  return std::max(settings_.cache_timeout, short_timeout);
}

void RemoteFs::Seen(const v1::Attr& a) {
  seen_[a.ino()] = Seen_{a.mtime().sec(), a.mtime().nsec(), a.size()};
}

bool RemoteFs::Unchanged(const v1::Attr& a) const {
  auto it = seen_.find(a.ino());
  if (it == seen_.end()) return false;
  return it->second.mtime_sec == a.mtime().sec() && it->second.mtime_nsec == a.mtime().nsec() &&
         it->second.size == a.size();
}

bool RemoteFs::TakeDirty(uint64_t fh) {
  auto it = dirty_.find(fh);
  if (it == dirty_.end() || !it->second) return false;
  it->second = false;
  return true;
}

puffs::Ops RemoteFs::BuildOps() {
  puffs::Ops ops;
  AddEntryOps(*this, &ops);
  AddAttrOps(*this, &ops);
  AddFileOps(*this, &ops);
  AddDirOps(*this, &ops);
  AddXattrOps(*this, &ops);
  return ops;
}

}  // namespace rpuffs::client
