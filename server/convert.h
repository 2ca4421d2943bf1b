// server/convert — the one place where storage values and proto messages meet:
// storage::Attr <-> v1::Attr, Credentials -> Caller, SetAttrRequest ->
// SetAttrIn, storage results -> reply fields, and errno -> reply `err`.
//
// Filesystem errors (from storage or from validation) always travel in the
// reply's `err` with gRPC status OK (proto/rpuffs.proto). Pure functions;
// thread-safe. A storage EIO is logged here (with RocksDB's text) since this
// is where it is handled; expected errnos are debug at most.
#pragma once

#include <cerrno>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <grpcpp/support/status.h>

#include "proto/rpuffs.pb.h"
#include "storage/volume.h"

namespace rpuffs::server {

void ToProto(const storage::Attr& in, v1::Attr* out);
void ToProto(const storage::DirEntry& in, bool plus, v1::DirEntry* out);
storage::Caller ToCaller(const v1::RequestHeader& hdr);
storage::SetAttrIn ToSetAttrIn(const v1::SetAttrRequest& req);

// Successful storage results into their replies (values are moved).
void Fill(storage::Attr&& in, v1::EntryReply* rep);
void Fill(storage::Attr&& in, v1::AttrReply* rep);
void Fill(storage::CreateOut&& in, v1::CreateReply* rep);
void Fill(storage::OpenOut&& in, v1::OpenReply* rep);
void Fill(storage::WriteOut&& in, v1::WriteReply* rep);
void Fill(std::string&& in, v1::ReadReply* rep);
void Fill(std::string&& in, v1::ReadlinkReply* rep);
void Fill(std::string&& in, v1::GetXattrReply* rep);
void Fill(storage::StatFs&& in, v1::StatfsReply* rep);
void Fill(std::vector<std::string>&& in, v1::ListXattrReply* rep);

// The errno a reply carries for `st`: 0, its errno, or EIO for a bogus one.
// Logs EIO (and bogus codes) at error level, other errnos at debug.
int WireErrno(std::string_view op, const storage::Status& st);

// A request refused by validation: `err` set, nothing else.
template <class Reply>
grpc::Status Refuse(int err, Reply* rep) {
  rep->set_err(err);
  return grpc::Status::OK;
}

// A storage outcome without a value.
template <class Reply>
grpc::Status Answer(std::string_view op, const storage::Status& st, Reply* rep) {
  rep->set_err(WireErrno(op, st));
  return grpc::Status::OK;
}

// A storage outcome with a value: `err`, and the value's fields on success.
template <class T, class Reply>
grpc::Status Answer(std::string_view op, storage::Result<T>&& r, Reply* rep) {
  rep->set_err(WireErrno(op, r.status()));
  if (r.ok()) Fill(std::move(r).value(), rep);
  return grpc::Status::OK;
}

}  // namespace rpuffs::server
