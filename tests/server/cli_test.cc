// rpuffsd's command line and process behaviour: help, bad flags, unusable
// data dirs, a taken port, a second server on one dir, clean stop on signals.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>

#include <gtest/gtest.h>

#include "tests/server/rpuffsd_harness.h"

namespace rpuffs::testing {
namespace {

using std::chrono::seconds;

int CountLines(const std::string& s) {
  int n = 0;
  for (char c : s) n += c == '\n';
  return n;
}

bool ExitedWith(int wait_status, int code) {
  return wait_status != -1 && WIFEXITED(wait_status) && WEXITSTATUS(wait_status) == code;
}

// A TCP socket listening on 127.0.0.1:port; closed on destruction.
class Listener {
 public:
  explicit Listener(int port) {
    fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(port);
    ok_ = fd_ >= 0 && bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 && listen(fd_, 4) == 0;
  }
  ~Listener() {
    if (fd_ >= 0) close(fd_);
  }
  bool ok() const { return ok_; }

 private:
  int fd_ = -1;
  bool ok_ = false;
};

TEST(RpuffsdCli, HelpExitsZeroWithUsage) {
  std::string out;
  EXPECT_EQ(RunCommand({RpuffsdPath(), "--help"}, &out), 0);
  EXPECT_NE(out.find("--data"), std::string::npos) << out;
  EXPECT_NE(out.find("--listen"), std::string::npos) << out;
  EXPECT_NE(out.find("--lease-ms"), std::string::npos) << out;
}

TEST(RpuffsdCli, VersionExitsZero) {
  std::string out;
  EXPECT_EQ(RunCommand({RpuffsdPath(), "--version"}, &out), 0);
  EXPECT_NE(out.find("rpuffsd "), std::string::npos) << out;
}

TEST(RpuffsdCli, UnknownFlagFailsWithOneLine) {
  TempDir dir;
  std::string out;
  int code = RunCommand({RpuffsdPath(), "--data", dir.path(), "--no-such-flag"}, &out);
  EXPECT_NE(code, 0);
  EXPECT_NE(code, -1) << "must exit, not hang";
  EXPECT_EQ(CountLines(out), 1) << out;
  EXPECT_NE(out.find("no-such-flag"), std::string::npos) << out;
}

TEST(RpuffsdCli, MissingDataFlagFails) {
  std::string out;
  int code = RunCommand({RpuffsdPath()}, &out);
  EXPECT_GT(code, 0);
  EXPECT_EQ(CountLines(out), 1) << out;
  EXPECT_NE(out.find("--data"), std::string::npos) << out;
}

TEST(RpuffsdCli, BadListenAddressFails) {
  TempDir dir;
  std::string out;
  EXPECT_GT(RunCommand({RpuffsdPath(), "--data", dir.path(), "--listen", "127.0.0.1:99999"}, &out), 0);
  EXPECT_EQ(CountLines(out), 1) << out;
}

TEST(RpuffsdCli, DataDirThatIsAFileFails) {
  TempDir dir;
  std::string file = dir.Sub("plain-file");
  std::ofstream(file) << "x";
  for (const std::string& data : {file, file + "/below"}) {
    std::string out;
    int code = RunCommand({RpuffsdPath(), "--data", data, "--listen", "127.0.0.1:0"}, &out);
    EXPECT_GT(code, 0) << data;
    EXPECT_EQ(CountLines(out), 1) << out;
    EXPECT_NE(out.find("data dir"), std::string::npos) << out;
  }
}

TEST(RpuffsdCli, PortInUseFails) {
  TempDir dir;
  int port = FreeLoopbackPort();
  Listener taken(port);
  ASSERT_TRUE(taken.ok());
  std::string out;
  int code = RunCommand({RpuffsdPath(), "--data", dir.path(), "--listen", "127.0.0.1:" + std::to_string(port)},
                        &out);
  EXPECT_GT(code, 0);
  EXPECT_EQ(CountLines(out), 1) << out;
  EXPECT_NE(out.find("cannot listen"), std::string::npos) << out;
}

TEST(RpuffsdCli, SecondServerOnSameDirFails) {
  TempDir dir;
  Rpuffsd first(dir.path());
  ASSERT_TRUE(first.WaitServing()) << first.process().Output();
  std::string out;
  int code = RunCommand(
      {RpuffsdPath(), "--data", dir.path(), "--listen", "127.0.0.1:" + std::to_string(FreeLoopbackPort())}, &out);
  EXPECT_GT(code, 0);
  EXPECT_EQ(CountLines(out), 1) << out;
  EXPECT_NE(out.find("in use"), std::string::npos) << out;
  EXPECT_TRUE(first.process().running()) << "the first server must be unaffected";
}

TEST(RpuffsdCli, SamePortTwiceFails) {
  TempDir a, b;
  Rpuffsd first(a.path());
  ASSERT_TRUE(first.WaitServing()) << first.process().Output();
  std::string out;
  int code = RunCommand({RpuffsdPath(), "--data", b.path(), "--listen", first.address()}, &out);
  EXPECT_GT(code, 0) << "SO_REUSEPORT must be off";
  EXPECT_NE(out.find("cannot listen"), std::string::npos) << out;
}

class RpuffsdStopSignal : public ::testing::TestWithParam<int> {};

TEST_P(RpuffsdStopSignal, ExitsZeroAndLogsStop) {
  TempDir dir;
  Rpuffsd server(dir.path());
  ASSERT_TRUE(server.WaitServing()) << server.process().Output();
  Client client(server.address());
  ASSERT_EQ(client.Connect().err(), 0);
  server.process().Signal(GetParam());
  int status = server.process().Wait(seconds(10));
  EXPECT_TRUE(ExitedWith(status, 0)) << "wait status " << status << "\n" << server.process().Output();
  std::string log = server.process().Output();
  EXPECT_NE(log.find("event=start"), std::string::npos) << log;
  EXPECT_NE(log.find("event=stop "), std::string::npos) << log;
}

INSTANTIATE_TEST_SUITE_P(Signals, RpuffsdStopSignal, ::testing::Values(SIGTERM, SIGINT),
                         [](const auto& info) { return info.param == SIGTERM ? "SIGTERM" : "SIGINT"; });

TEST(RpuffsdCli, VolumeFlagCreatesVolumes) {
  TempDir dir;
  Rpuffsd server(dir.path(), {"--volume", "alpha", "--volume", "beta"});
  ASSERT_TRUE(server.WaitServing()) << server.process().Output();
  for (const char* volume : {"", "default", "alpha", "beta"}) {
    Client client(server.address());
    EXPECT_EQ(client.Connect(volume).err(), 0) << volume;
  }
  Client client(server.address());
  EXPECT_EQ(client.Connect("gamma").err(), ENOENT);
}

TEST(RpuffsdCli, BadVolumeNameFails) {
  TempDir dir;
  std::string out;
  int code = RunCommand({RpuffsdPath(), "--data", dir.path(), "--listen", "127.0.0.1:0", "--volume", "a/b"}, &out);
  EXPECT_GT(code, 0);
  EXPECT_EQ(CountLines(out), 1) << out;
}

}  // namespace
}  // namespace rpuffs::testing
