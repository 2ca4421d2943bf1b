// client/remote — one descriptor per rpuffs.v1 RPC: the callback-API method
// of the generated stub and its name for logs. RemoteVolume::Call takes one
// of these, so the request and reply types are checked at compile time.
#pragma once

#include <grpcpp/client_context.h>
#include <grpcpp/support/status.h>

#include <functional>

#include "proto/rpuffs.grpc.pb.h"

namespace rpuffs::remote {

namespace v1 = ::rpuffs::v1;
using StubAsync = v1::Volume::StubInterface::async_interface;

template <class Req, class Rep>
struct Rpc {
  void (StubAsync::*method)(grpc::ClientContext*, const Req*, Rep*, std::function<void(grpc::Status)>);
  const char* name;
};

inline const Rpc<v1::HelloRequest, v1::HelloReply> kHello{&StubAsync::Hello, "Hello"};
inline const Rpc<v1::KeepAliveRequest, v1::ErrReply> kKeepAlive{&StubAsync::KeepAlive, "KeepAlive"};
inline const Rpc<v1::GoodbyeRequest, v1::ErrReply> kGoodbye{&StubAsync::Goodbye, "Goodbye"};
inline const Rpc<v1::LookupRequest, v1::EntryReply> kLookup{&StubAsync::Lookup, "Lookup"};
inline const Rpc<v1::GetAttrRequest, v1::AttrReply> kGetAttr{&StubAsync::GetAttr, "GetAttr"};
inline const Rpc<v1::SetAttrRequest, v1::AttrReply> kSetAttr{&StubAsync::SetAttr, "SetAttr"};
inline const Rpc<v1::CreateRequest, v1::CreateReply> kCreate{&StubAsync::Create, "Create"};
inline const Rpc<v1::MknodRequest, v1::EntryReply> kMknod{&StubAsync::Mknod, "Mknod"};
inline const Rpc<v1::MkdirRequest, v1::EntryReply> kMkdir{&StubAsync::Mkdir, "Mkdir"};
inline const Rpc<v1::UnlinkRequest, v1::ErrReply> kUnlink{&StubAsync::Unlink, "Unlink"};
inline const Rpc<v1::RmdirRequest, v1::ErrReply> kRmdir{&StubAsync::Rmdir, "Rmdir"};
inline const Rpc<v1::SymlinkRequest, v1::EntryReply> kSymlink{&StubAsync::Symlink, "Symlink"};
inline const Rpc<v1::ReadlinkRequest, v1::ReadlinkReply> kReadlink{&StubAsync::Readlink, "Readlink"};
inline const Rpc<v1::LinkRequest, v1::EntryReply> kLink{&StubAsync::Link, "Link"};
inline const Rpc<v1::RenameRequest, v1::ErrReply> kRename{&StubAsync::Rename, "Rename"};
inline const Rpc<v1::OpenRequest, v1::OpenReply> kOpen{&StubAsync::Open, "Open"};
inline const Rpc<v1::ReleaseRequest, v1::ErrReply> kRelease{&StubAsync::Release, "Release"};
inline const Rpc<v1::ReadRequest, v1::ReadReply> kRead{&StubAsync::Read, "Read"};
inline const Rpc<v1::WriteRequest, v1::WriteReply> kWrite{&StubAsync::Write, "Write"};
inline const Rpc<v1::FsyncRequest, v1::ErrReply> kFsync{&StubAsync::Fsync, "Fsync"};
inline const Rpc<v1::FallocateRequest, v1::AttrReply> kFallocate{&StubAsync::Fallocate, "Fallocate"};
inline const Rpc<v1::StatfsRequest, v1::StatfsReply> kStatfs{&StubAsync::Statfs, "Statfs"};
inline const Rpc<v1::ReaddirRequest, v1::ReaddirReply> kReaddir{&StubAsync::Readdir, "Readdir"};
inline const Rpc<v1::SetXattrRequest, v1::ErrReply> kSetXattr{&StubAsync::SetXattr, "SetXattr"};
inline const Rpc<v1::GetXattrRequest, v1::GetXattrReply> kGetXattr{&StubAsync::GetXattr, "GetXattr"};
inline const Rpc<v1::ListXattrRequest, v1::ListXattrReply> kListXattr{&StubAsync::ListXattr, "ListXattr"};
inline const Rpc<v1::RemoveXattrRequest, v1::ErrReply> kRemoveXattr{&StubAsync::RemoveXattr,
                                                                  "RemoveXattr"};
inline const Rpc<v1::ForgetRequest, v1::ErrReply> kForget{&StubAsync::Forget, "Forget"};
inline const Rpc<v1::BatchRequest, v1::BatchReply> kBatch{&StubAsync::Batch, "Batch"};

}  // namespace rpuffs::remote
