#include "server/convert.h"

#include <cerrno>

#include "server/log.h"

namespace rpuffs::server {
namespace {

void ToProto(const storage::Timespec& in, v1::Timespec* out) {
  out->set_sec(in.sec);
  out->set_nsec(in.nsec);
}

storage::Timespec FromProto(const v1::Timespec& in) { return storage::Timespec{in.sec(), in.nsec()}; }

// Caps the supplementary groups taken from the wire (NGROUPS_MAX is 65536).
constexpr int kMaxGroups = 65536;

void NoteError(std::string_view op, const storage::Status& st) {
  if (st.err() == EIO || st.err() <= 0) {
    spdlog::error("event=storage-error op={} errno={} msg=\"{}\"", op, st.err(), st.message());
  } else {
    spdlog::debug("event=op-failed op={} errno={}", op, st.err());
  }
}

}  // namespace

void ToProto(const storage::Attr& in, v1::Attr* out) {
  out->set_ino(in.ino);
  out->set_mode(in.mode);
  out->set_nlink(in.nlink);
  out->set_uid(in.uid);
  out->set_gid(in.gid);
  out->set_rdev(in.rdev);
  out->set_size(in.size);
  out->set_blocks(in.blocks);
  out->set_blksize(in.blksize);
  ToProto(in.atime, out->mutable_atime());
  ToProto(in.mtime, out->mutable_mtime());
  ToProto(in.ctime, out->mutable_ctime());
  out->set_generation(in.generation);
  // storage::Attr::XattrPresence has proto's XattrPresence values.
  out->set_xattrs(static_cast<v1::XattrPresence>(in.xattrs));
}

void ToProto(const storage::DirEntry& in, bool plus, v1::DirEntry* out) {
  out->set_name(in.name);
  out->set_ino(in.ino);
  out->set_type(in.type);
  out->set_offset(in.offset);
  if (plus) ToProto(in.attr, out->mutable_attr());
}

storage::Caller ToCaller(const v1::RequestHeader& hdr) {
  storage::Caller c;
  c.uid = hdr.cred().uid();
  c.gid = hdr.cred().gid();
  int n = std::min(hdr.cred().groups_size(), kMaxGroups);
  c.groups.assign(hdr.cred().groups().begin(), hdr.cred().groups().begin() + n);
  return c;
}

storage::SetAttrIn ToSetAttrIn(const v1::SetAttrRequest& req) {
  storage::SetAttrIn in;
  in.valid = req.valid();
  in.mode = req.mode() & 07777u;  // the proto carries permission bits only
  in.uid = req.uid();
  in.gid = req.gid();
  in.size = req.size();
  in.atime = FromProto(req.atime());
  in.mtime = FromProto(req.mtime());
  return in;
}

void Fill(storage::Attr&& in, v1::EntryReply* rep) { ToProto(in, rep->mutable_attr()); }
void Fill(storage::Attr&& in, v1::AttrReply* rep) { ToProto(in, rep->mutable_attr()); }

void Fill(storage::CreateOut&& in, v1::CreateReply* rep) {
  ToProto(in.attr, rep->mutable_attr());
  rep->set_fh(in.fh);
  rep->set_created(in.created);
}

void Fill(storage::OpenOut&& in, v1::OpenReply* rep) {
  ToProto(in.attr, rep->mutable_attr());
  rep->set_fh(in.fh);
}

void Fill(storage::WriteOut&& in, v1::WriteReply* rep) {
  ToProto(in.attr, rep->mutable_attr());
  rep->set_count(in.count);
}

void Fill(std::string&& in, v1::ReadReply* rep) { rep->set_data(std::move(in)); }
void Fill(std::string&& in, v1::ReadlinkReply* rep) { rep->set_target(std::move(in)); }
void Fill(std::string&& in, v1::GetXattrReply* rep) { rep->set_value(std::move(in)); }

void Fill(storage::StatFs&& in, v1::StatfsReply* out) {
  out->set_bsize(in.bsize);
  out->set_frsize(in.frsize);
  out->set_blocks(in.blocks);
  out->set_bfree(in.bfree);
  out->set_bavail(in.bavail);
  out->set_files(in.files);
  out->set_ffree(in.ffree);
  out->set_namemax(in.namemax);
}

void Fill(std::vector<std::string>&& in, v1::ListXattrReply* rep) {
  for (auto& name : in) rep->add_names(std::move(name));
}

int WireErrno(std::string_view op, const storage::Status& st) {
  if (st.ok()) return 0;
  NoteError(op, st);
  return st.err() > 0 && st.err() < 4096 ? st.err() : EIO;
}

}  // namespace rpuffs::server
