// Hostile and malformed requests: each gets its documented error and leaves
// the volume untouched (checked with GetAttr/readdir afterwards).
#include <fcntl.h>
#include <linux/falloc.h>
#include <sys/stat.h>

#include <cstdint>
#include <future>
#include <limits>
#include <random>

#include <grpcpp/generic/generic_stub.h>
#include <gtest/gtest.h>

#include "tests/server/protocol_fixture.h"

namespace rpuffs::testing {
namespace {

using Stub = v1::Volume::Stub;
constexpr uint64_t kInt64Max = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());

class HostileInputTest : public ProtocolTest {};

struct BadName {
  std::string name;
  int err;
};

std::vector<BadName> BadNewNames() {
  return {{"", EINVAL},
          {"a/b", EINVAL},
          {"/", EINVAL},
          {std::string("a\0b", 3), EINVAL},
          {std::string(256, 'n'), ENAMETOOLONG},
          {std::string(4000, 'n'), ENAMETOOLONG},
          {".", EINVAL},
          {"..", EINVAL}};
}

TEST_F(HostileInputTest, BadNamesCreateNothing) {
  for (const BadName& bad : BadNewNames()) {
    SCOPED_TRACE("name of " + std::to_string(bad.name.size()) + " bytes: " + bad.name.substr(0, 8));
    EXPECT_EQ(client().Create(dir(), bad.name).err(), bad.err);
    EXPECT_EQ(client().Mkdir(dir(), bad.name).err(), bad.err);
    v1::SymlinkRequest sym;
    sym.set_parent(dir());
    sym.set_name(bad.name);
    sym.set_target("t");
    v1::EntryReply rep;
    ASSERT_TRUE(client().Call(&Stub::Symlink, sym, &rep).ok());
    EXPECT_EQ(rep.err(), bad.err);
    v1::MknodRequest mknod;
    mknod.set_parent(dir());
    mknod.set_name(bad.name);
    mknod.set_mode(S_IFREG | 0644);
    ASSERT_TRUE(client().Call(&Stub::Mknod, mknod, &rep).ok());
    EXPECT_EQ(rep.err(), bad.err);
  }
  EXPECT_TRUE(client().List(dir()).empty());
  EXPECT_EQ(client().GetAttr(dir()).attr().nlink(), 2u);
}

TEST_F(HostileInputTest, LongNameLookupIsENAMETOOLONG) {
  EXPECT_EQ(client().Lookup(dir(), std::string(256, 'x')).err(), ENAMETOOLONG);
  EXPECT_EQ(client().Lookup(dir(), std::string(255, 'x')).err(), ENOENT);
  EXPECT_EQ(client().Create(dir(), std::string(255, 'x')).err(), 0) << "255 bytes is the limit, not over it";
}

TEST_F(HostileInputTest, RenameWithBadNamesOrFlagsChangesNothing) {
  ASSERT_EQ(client().Create(dir(), "keep").err(), 0);
  v1::RenameRequest req;
  req.set_parent(dir());
  req.set_name("keep");
  req.set_new_parent(dir());
  v1::ErrReply rep;
  for (const BadName& bad : BadNewNames()) {
    req.set_new_name(bad.name);
    ASSERT_TRUE(client().Call(&Stub::Rename, req, &rep).ok());
    EXPECT_EQ(rep.err(), bad.err);
  }
  req.set_new_name("moved");
  for (uint32_t flags : {3u, 4u, 0x80000000u}) {
    req.set_flags(flags);
    ASSERT_TRUE(client().Call(&Stub::Rename, req, &rep).ok());
    EXPECT_EQ(rep.err(), EINVAL) << flags;
  }
  EXPECT_EQ(client().List(dir()), std::vector<std::string>{"keep"});
}

TEST_F(HostileInputTest, BadSymlinkTargets) {
  v1::SymlinkRequest req;
  req.set_parent(dir());
  req.set_name("l");
  v1::EntryReply rep;
  for (auto [target, err] : std::vector<std::pair<std::string, int>>{
           {"", ENOENT}, {std::string(4096, 't'), ENAMETOOLONG}, {std::string("a\0b", 3), EINVAL}}) {
    req.set_target(target);
    ASSERT_TRUE(client().Call(&Stub::Symlink, req, &rep).ok());
    EXPECT_EQ(rep.err(), err) << target.size();
  }
  EXPECT_TRUE(client().List(dir()).empty());
}

TEST_F(HostileInputTest, OversizedIoIsInvalidArgumentAndWritesNothing) {
  v1::CreateReply f = client().Create(dir(), "f");
  ASSERT_EQ(f.err(), 0);
  v1::WriteRequest w;
  w.set_ino(f.attr().ino());
  w.set_fh(f.fh());
  w.set_data(std::string((1 << 20) + 1, 'w'));
  v1::WriteReply wrep;
  EXPECT_EQ(client().Call(&Stub::Write, w, &wrep).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  v1::ReadRequest r;
  r.set_ino(f.attr().ino());
  r.set_fh(f.fh());
  r.set_size((1 << 20) + 1);
  v1::ReadReply rrep;
  EXPECT_EQ(client().Call(&Stub::Read, r, &rrep).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(client().GetAttr(f.attr().ino()).attr().size(), 0u);
  // Exactly 1 MiB is allowed.
  EXPECT_EQ(client().Write(f.attr().ino(), f.fh(), 0, std::string(1 << 20, 'w')).count(), 1u << 20);
}

TEST_F(HostileInputTest, HugeOffsetsWriteNothing) {
  v1::CreateReply f = client().Create(dir(), "f");
  ASSERT_EQ(f.err(), 0);
  const uint64_t ino = f.attr().ino();
  EXPECT_EQ(client().Write(ino, f.fh(), kInt64Max + 1, "x").err(), EINVAL);
  EXPECT_EQ(client().Write(ino, f.fh(), UINT64_MAX, "x").err(), EINVAL);
  EXPECT_EQ(client().Write(ino, f.fh(), kInt64Max - 1, "xyz").err(), EFBIG);
  EXPECT_EQ(client().Read(ino, f.fh(), kInt64Max + 1, 10).err(), EINVAL);
  v1::FallocateRequest fa;
  fa.set_ino(ino);
  fa.set_offset(kInt64Max);
  fa.set_length(10);
  v1::AttrReply arep;
  ASSERT_TRUE(client().Call(&Stub::Fallocate, fa, &arep).ok());
  EXPECT_EQ(arep.err(), EFBIG);
  fa.set_offset(0);
  fa.set_length(0);
  ASSERT_TRUE(client().Call(&Stub::Fallocate, fa, &arep).ok());
  EXPECT_EQ(arep.err(), EINVAL);
  fa.set_length(10);
  fa.set_mode(FALLOC_FL_COLLAPSE_RANGE);
  ASSERT_TRUE(client().Call(&Stub::Fallocate, fa, &arep).ok());
  EXPECT_EQ(arep.err(), EOPNOTSUPP);
  v1::SetAttrRequest sa;
  sa.set_ino(ino);
  sa.set_valid(v1::SET_SIZE);
  sa.set_size(kInt64Max + 7);
  ASSERT_TRUE(client().Call(&Stub::SetAttr, sa, &arep).ok());
  EXPECT_EQ(arep.err(), EINVAL);
  sa.set_valid(v1::SET_MTIME);
  sa.mutable_mtime()->set_nsec(1000000000);
  ASSERT_TRUE(client().Call(&Stub::SetAttr, sa, &arep).ok());
  EXPECT_EQ(arep.err(), EINVAL);
  sa.set_valid(1u << 20);
  ASSERT_TRUE(client().Call(&Stub::SetAttr, sa, &arep).ok());
  EXPECT_EQ(arep.err(), EINVAL);
  v1::AttrReply after = client().GetAttr(ino);
  EXPECT_EQ(after.attr().size(), 0u);
  EXPECT_EQ(after.attr().blocks(), 0u);
}

TEST_F(HostileInputTest, InodeZeroAndUnknownInodesAreESTALE) {
  for (uint64_t ino : {uint64_t{0}, uint64_t{0xdeadbeef12345}, UINT64_MAX, kInt64Max}) {
    SCOPED_TRACE(ino);
    EXPECT_EQ(client().GetAttr(ino).err(), ESTALE);
    EXPECT_EQ(client().Lookup(ino, "x").err(), ESTALE);
    EXPECT_EQ(client().Create(ino, "x").err(), ESTALE);
    EXPECT_EQ(client().Mkdir(ino, "x").err(), ESTALE);
    EXPECT_EQ(client().Write(ino, 1, 0, "data").err(), ESTALE);
    EXPECT_EQ(client().Read(ino, 1, 0, 10).err(), ESTALE);
    EXPECT_EQ(client().Readdir(ino).err(), ESTALE);
    v1::SetXattrRequest x;
    x.set_ino(ino);
    x.set_name("user.a");
    x.set_value("v");
    v1::ErrReply rep;
    ASSERT_TRUE(client().Call(&Stub::SetXattr, x, &rep).ok());
    EXPECT_EQ(rep.err(), ESTALE);
  }
  EXPECT_TRUE(client().List(dir()).empty());
}

TEST_F(HostileInputTest, ReaddirOfAFileIsENOTDIR) {
  v1::CreateReply f = client().Create(dir(), "f");
  ASSERT_EQ(f.err(), 0);
  EXPECT_EQ(client().Readdir(f.attr().ino()).err(), ENOTDIR);
  EXPECT_EQ(client().Create(f.attr().ino(), "child").err(), ENOTDIR);
  EXPECT_EQ(client().List(dir()), std::vector<std::string>{"f"});
}

TEST_F(HostileInputTest, HugeReaddirPageIsCapped) {
  v1::ReaddirReply r = client().Readdir(dir(), 0, UINT32_MAX, true);
  EXPECT_EQ(r.err(), 0);
  EXPECT_EQ(r.entries_size(), 2);
  EXPECT_TRUE(r.eof());
}

TEST_F(HostileInputTest, BadXattrsStoreNothing) {
  v1::CreateReply f = client().Create(dir(), "f");
  ASSERT_EQ(f.err(), 0);
  v1::SetXattrRequest req;
  req.set_ino(f.attr().ino());
  v1::ErrReply rep;
  struct Case {
    std::string name;
    size_t value_size;
    uint32_t flags;
    int err;
  };
  for (const Case& c : std::vector<Case>{{"", 1, 0, ERANGE},
                                         {std::string(256, 'u'), 1, 0, ERANGE},
                                         {std::string("user.a\0b", 8), 1, 0, EINVAL},
                                         {"user.big", 65537, 0, E2BIG},
                                         {"user.flags", 1, 3, EINVAL},
                                         {"user.flags", 1, 0x100, EINVAL}}) {
    req.set_name(c.name);
    req.set_value(std::string(c.value_size, 'v'));
    req.set_flags(c.flags);
    ASSERT_TRUE(client().Call(&Stub::SetXattr, req, &rep).ok());
    EXPECT_EQ(rep.err(), c.err) << c.name.size() << " " << c.value_size << " " << c.flags;
  }
  v1::ListXattrRequest list;
  list.set_ino(f.attr().ino());
  v1::ListXattrReply names;
  ASSERT_TRUE(client().Call(&Stub::ListXattr, list, &names).ok());
  EXPECT_EQ(names.err(), 0);
  EXPECT_EQ(names.names_size(), 0);
}

TEST_F(HostileInputTest, BadMknodTypeIsEINVAL) {
  v1::MknodRequest req;
  req.set_parent(dir());
  req.set_name("dev");
  v1::EntryReply rep;
  for (uint32_t mode : {0u, static_cast<uint32_t>(S_IFDIR | 0755), static_cast<uint32_t>(S_IFLNK | 0777),
                        0xffffffffu}) {
    req.set_mode(mode);
    ASSERT_TRUE(client().Call(&Stub::Mknod, req, &rep).ok());
    EXPECT_EQ(rep.err(), EINVAL) << std::oct << mode;
  }
  EXPECT_TRUE(client().List(dir()).empty());
}

TEST_F(HostileInputTest, HugeReaddirOffsetListsNothingOrEINVAL) {
  ASSERT_EQ(client().Create(dir(), "f").err(), 0);
  for (uint64_t offset : {UINT64_MAX, kInt64Max, uint64_t{1} << 62}) {
    v1::ReaddirReply r = client().Readdir(dir(), offset, 10, true);
    EXPECT_TRUE(r.err() == 0 || r.err() == EINVAL) << offset << " errno " << r.err();
    for (const auto& e : r.entries()) EXPECT_NE(e.name(), "f") << "offset " << offset << " listed from the start";
  }
}

// Sends `bytes` as the request body of `method` and returns the status.
grpc::Status SendRaw(const std::string& address, const std::string& method, const std::string& bytes) {
  grpc::GenericStub stub(grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));
  grpc::Slice slice(bytes);
  grpc::ByteBuffer request(&slice, 1), response;
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  std::promise<grpc::Status> done;
  stub.UnaryCall(&ctx, method, grpc::StubOptions(), &request, &response,
                 [&done](grpc::Status st) { done.set_value(st); });
  return done.get_future().get();
}

TEST_F(HostileInputTest, GarbageBytesAreRefusedAndServerSurvives) {
  std::mt19937_64 rng(42);
  for (const char* method :
       {"Hello", "GetAttr", "Write", "Readdir", "Rename", "SetXattr", "Forget", "Batch", "Watch"}) {
    for (size_t size : {1u, 7u, 100u, 5000u}) {
      std::string bytes(size, '\0');
      for (char& c : bytes) c = static_cast<char>(rng());
      grpc::Status st = SendRaw(address(), std::string("/rpuffs.v1.Volume/") + method, bytes);
      // Unparsable, or parsed into a request without a valid session/header.
      if (std::string(method) != "Hello") {
        EXPECT_FALSE(st.ok()) << method << " " << size;
      }
    }
  }
  EXPECT_EQ(SendRaw(address(), "/rpuffs.v1.Volume/NoSuchMethod", "x").error_code(),
            grpc::StatusCode::UNIMPLEMENTED);
  EXPECT_TRUE(server_->process().running());
  EXPECT_EQ(client().GetAttr(1).err(), 0);
}

TEST_F(HostileInputTest, ServerSurvivesAllOfIt) {
  // After every suite above the same process still answers.
  EXPECT_TRUE(server_->process().running());
  EXPECT_EQ(client().GetAttr(1).err(), 0);
}

class TokenTest : public ProtocolTest {
 protected:
  static void SetUpTestSuite() { StartSuiteServer({"--token", "s3cret"}); }
  void SetUp() override { ASSERT_TRUE(server_->WaitServing()) << server_->process().Output(); }
};

TEST_F(TokenTest, HelloWithoutOrWithWrongTokenIsUnauthenticated) {
  for (const char* token : {"", "wrong", "s3cret-but-longer", "s3cre"}) {
    Client c(address());
    grpc::Status st;
    c.Connect("", token, &st);
    EXPECT_EQ(st.error_code(), grpc::StatusCode::UNAUTHENTICATED) << token;
    EXPECT_EQ(c.session(), 0u);
  }
  Client c(address());
  grpc::Status st;
  EXPECT_EQ(c.Connect("", "s3cret", &st).err(), 0);
  EXPECT_TRUE(st.ok());
  EXPECT_EQ(c.GetAttr(1).err(), 0);
}

}  // namespace
}  // namespace rpuffs::testing
