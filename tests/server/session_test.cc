// Session leases: expiry releases a session's handles (an unlinked open file
// is reclaimed), and a session outlives a server restart so it can resume.
#include <signal.h>
#include <sys/wait.h>

#include <gtest/gtest.h>

#include "tests/server/rpuffsd_harness.h"

namespace rpuffs::testing {
namespace {

using std::chrono::seconds;
using Stub = v1::Volume::Stub;

TEST(RpuffsdSession, ExpiredSessionReleasesUnlinkedOpenFile) {
  TempDir data;
  Rpuffsd server(data.path(), {"--lease-ms", "300"});
  ASSERT_TRUE(server.WaitServing()) << server.process().Output();
  Client watcher(server.address());
  ASSERT_EQ(watcher.Connect().err(), 0);
  const uint64_t before = watcher.UsedInodes();

  Client holder(server.address());
  ASSERT_EQ(holder.Connect().err(), 0);
  v1::CreateReply f = holder.Create(1, "doomed");
  ASSERT_EQ(f.err(), 0);
  ASSERT_EQ(holder.Write(f.attr().ino(), f.fh(), 0, std::string(100000, 'd')).err(), 0);
  ASSERT_EQ(holder.Unlink(1, "doomed").err(), 0);
  // Unlinked but open: still readable, still counted.
  EXPECT_EQ(holder.Read(f.attr().ino(), f.fh(), 0, 10).data(), std::string(10, 'd'));
  EXPECT_EQ(watcher.UsedInodes(), before + 1);

  // The holder goes silent; the watcher's polling keeps its own session alive.
  EXPECT_TRUE(WaitUntil([&] { return watcher.UsedInodes() == before; }, seconds(20)))
      << "still used: " << watcher.UsedInodes() << " vs " << before;
  EXPECT_EQ(watcher.GetAttr(f.attr().ino()).err(), ESTALE);
  v1::AttrReply rep;
  v1::GetAttrRequest req;
  req.set_ino(1);
  EXPECT_EQ(holder.Call(&Stub::GetAttr, req, &rep).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  v1::HelloRequest resume;
  resume.set_protocol_version(1);
  resume.set_resume_session_id(holder.session());
  v1::HelloReply hello;
  ASSERT_TRUE(holder.Hello(resume, &hello).ok());
  EXPECT_EQ(hello.err(), ESTALE);
}

TEST(RpuffsdSession, RequestsKeepSessionAlive) {
  TempDir data;
  Rpuffsd server(data.path(), {"--lease-ms", "200"});
  ASSERT_TRUE(server.WaitServing()) << server.process().Output();
  Client c(server.address());
  ASSERT_EQ(c.Connect().err(), 0);
  // Keep renewing for several leases; every call must be accepted.
  auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(1000);
  int calls = 0;
  while (std::chrono::steady_clock::now() < until && calls < 100000) {
    v1::ErrReply rep;
    ASSERT_TRUE(c.Call(&Stub::KeepAlive, v1::KeepAliveRequest(), &rep).ok()) << "after " << calls << " calls";
    ++calls;
  }
  EXPECT_GT(calls, 0);
}

TEST(RpuffsdSession, SessionResumesAfterServerRestart) {
  TempDir data;
  uint64_t session = 0, ino = 0, fh = 0;
  {
    Rpuffsd server(data.path());
    ASSERT_TRUE(server.WaitServing()) << server.process().Output();
    Client c(server.address());
    ASSERT_EQ(c.Connect().err(), 0);
    v1::CreateReply f = c.Create(1, "kept");
    ASSERT_EQ(f.err(), 0);
    ASSERT_EQ(c.Write(f.attr().ino(), f.fh(), 0, "survives").err(), 0);
    ASSERT_EQ(c.Unlink(1, "kept").err(), 0);  // only the handle keeps it now
    session = c.session();
    ino = f.attr().ino();
    fh = f.fh();
    ASSERT_TRUE(StoppedCleanly(server.process())) << server.process().Output();
  }
  Rpuffsd server(data.path());
  ASSERT_TRUE(server.WaitServing()) << server.process().Output();
  Client c(server.address());
  v1::HelloRequest resume;
  resume.set_protocol_version(1);
  resume.set_resume_session_id(session);
  v1::HelloReply hello;
  ASSERT_TRUE(c.Hello(resume, &hello).ok());
  ASSERT_EQ(hello.err(), 0);
  EXPECT_EQ(hello.session_id(), session);
  c.set_session(session);
  EXPECT_EQ(c.Read(ino, fh, 0, 100).data(), "survives");
  const uint64_t used = c.UsedInodes();
  EXPECT_EQ(c.Release(ino, fh).err(), 0);
  EXPECT_EQ(c.UsedInodes(), used - 1) << "the last handle of an unlinked file reclaims it";
}

TEST(RpuffsdSession, UnresumedSessionExpiresAfterRestartAndReclaimsOrphan) {
  TempDir data;
  uint64_t ino = 0, used_before = 0;
  {
    Rpuffsd server(data.path());
    ASSERT_TRUE(server.WaitServing()) << server.process().Output();
    Client c(server.address());
    ASSERT_EQ(c.Connect().err(), 0);
    used_before = c.UsedInodes();
    v1::CreateReply f = c.Create(1, "orphan");
    ASSERT_EQ(f.err(), 0);
    ASSERT_EQ(c.Unlink(1, "orphan").err(), 0);
    ino = f.attr().ino();
    ASSERT_TRUE(StoppedCleanly(server.process())) << server.process().Output();
  }
  Rpuffsd server(data.path(), {"--lease-ms", "300"});
  ASSERT_TRUE(server.WaitServing()) << server.process().Output();
  Client watcher(server.address());
  ASSERT_EQ(watcher.Connect().err(), 0);
  // Nobody resumes the old session: once its fresh lease runs out, its handle
  // is released and the unlinked inode reclaimed.
  EXPECT_TRUE(WaitUntil([&] { return watcher.UsedInodes() == used_before; }, seconds(20)))
      << "still used: " << watcher.UsedInodes() << " vs " << used_before;
  EXPECT_EQ(watcher.GetAttr(ino).err(), ESTALE);
}

}  // namespace
}  // namespace rpuffs::testing
