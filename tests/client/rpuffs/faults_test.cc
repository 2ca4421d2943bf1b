// The mount across server failures: a workload that keeps running through
// a kill -9 and restart, and an interrupted read while the server hangs.
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <atomic>
#include <thread>

#include "tests/client/rpuffs/mount_fixture.h"

namespace rpuffs::testing {
namespace {

TEST_F(RpuffsMountTest, WorkloadKeepsRunningAcrossServerRestart) {
  std::string a = MountOrFail("a");
  constexpr int kFiles = 120;
  std::atomic<int> done{0};
  std::atomic<int> failures{0};
  std::thread workload([&] {
    for (int i = 0; i < kFiles; ++i) {
      if (!WriteFile(a + "/w" + std::to_string(i), RandomBytes(64 << 10, i), false)) ++failures;
      ++done;
    }
  });
  ASSERT_TRUE(WaitUntil([&] { return done >= 20; }, std::chrono::seconds(60)));
  server_->Kill9();
  int at_kill = done;
  server_->Start();
  workload.join();
  EXPECT_LT(at_kill, kFiles);  // part of the workload ran across the restart
  EXPECT_EQ(failures, 0);
  for (int i = 0; i < kFiles; ++i) {
    std::string seen;
    ASSERT_TRUE(ReadFile(a + "/w" + std::to_string(i), &seen)) << i;
    EXPECT_TRUE(seen == RandomBytes(64 << 10, i)) << i;
  }
}

std::string Wchan(pid_t pid) {
  std::string s;
  ReadFile("/proc/" + std::to_string(pid) + "/wchan", &s);
  return s;
}

TEST_F(RpuffsMountTest, InterruptedReadReturnsWhileServerHangs) {
  std::string a = MountOrFail("a");
  // Written through another mount: nothing of it can be in a's page cache
  // (dropping a just-written file's pages is only a hint, and under load
  // some stayed: cat then never waited for the server).
  std::string b = MountOrFail("b");
  ASSERT_TRUE(WriteFile(b + "/slow", RandomBytes(1 << 20, 9), false));
  server_->Signal(SIGSTOP);
  Subprocess reader({"/usr/bin/cat", a + "/slow"});
  // Wait until the read sits in the kernel waiting for the daemon's answer.
  bool waiting = WaitUntil([&] { return Wchan(reader.pid()).find("request_wait_answer") !=
                                        std::string::npos; },
                           std::chrono::seconds(10));
  reader.Signal(SIGINT);
  int status = reader.Wait(std::chrono::seconds(10));
  server_->Signal(SIGCONT);
  EXPECT_TRUE(waiting) << Wchan(reader.pid());
  ASSERT_NE(status, -1) << "the read did not return while the server hung";
  EXPECT_FALSE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

}  // namespace
}  // namespace rpuffs::testing

namespace rpuffs::testing {
namespace {

TEST_F(RpuffsMountTest, AfterGraceCallsFailWithEIOAndTheMountRecovers) {
  std::string a = MountOrFail("a", {"grace=1", "attr_timeout=0", "entry_timeout=0"});
  ASSERT_TRUE(WriteFile(a + "/f", "data", false));
  server_->Kill9();
  struct stat st;
  errno = 0;
  EXPECT_NE(stat((a + "/f").c_str(), &st), 0);
  EXPECT_EQ(errno, EIO);
  server_->Start();
  bool back = WaitUntil([&] { return stat((a + "/f").c_str(), &st) == 0; }, std::chrono::seconds(20));
  EXPECT_TRUE(back);
  std::string seen;
  ASSERT_TRUE(ReadFile(a + "/f", &seen));
  EXPECT_EQ(seen, "data");
}

}  // namespace
}  // namespace rpuffs::testing
