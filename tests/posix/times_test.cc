// Timestamps: which calls change mtime/ctime (of the file and of its parent
// directory), utimensat with explicit, UTIME_NOW and UTIME_OMIT times, and
// nanosecond precision.
//
// To make "changed" unambiguous without sleeping, each test either sets an
// old explicit time first, or waits until the clock has passed the current
// timestamp before the operation (WaitForClockPast).
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <cerrno>
#include <functional>
#include <ostream>
#include <string>

#include "tests/posix/posix_fixture.h"

namespace rpuffs::posix {
namespace {

// 2001-09-09 01:46:40.123456789 and 2004-01-10 13:37:04.987654321 UTC.
constexpr timespec kOldAtime{1000000000, 123456789};
constexpr timespec kOldMtime{1073741824, 987654321};

bool SameTime(const timespec& a, const timespec& b) { return a.tv_sec == b.tv_sec && a.tv_nsec == b.tv_nsec; }

timespec Now(clockid_t clock) {
  timespec t{};
  clock_gettime(clock, &t);
  return t;
}

class TimesTest : public PosixTest {
 protected:
  int SetTimes(const std::string& path, timespec atime, timespec mtime, int flags = 0) {
    const timespec times[2] = {atime, mtime};
    return ErrnoOf(utimensat(AT_FDCWD, path.c_str(), times, flags));
  }

  // Runs `op` once the clock is past every timestamp of `watched`, then
  // returns the stat before and after.
  std::pair<struct stat, struct stat> Around(const std::string& watched, const std::function<void()>& op) {
    struct stat before = LstatOf(watched);
    WaitForClockPast(NewestTime(before));
    op();
    return {before, LstatOf(watched)};
  }
};

TEST_F(TimesTest, ExplicitTimesAreStoredWithNanoseconds) {
  ASSERT_TRUE(WriteFile(Path("f"), "x"));
  ASSERT_EQ(SetTimes(Path("f"), kOldAtime, kOldMtime), 0);
  struct stat st = StatOf(Path("f"));
  EXPECT_TRUE(SameTime(st.st_atim, kOldAtime)) << st.st_atim.tv_sec << "." << st.st_atim.tv_nsec;
  EXPECT_TRUE(SameTime(st.st_mtim, kOldMtime)) << st.st_mtim.tv_sec << "." << st.st_mtim.tv_nsec;
}

TEST_F(TimesTest, UtimeOmitKeepsOneTimeAndUtimeNowSetsTheOther) {
  ASSERT_TRUE(WriteFile(Path("f"), "x"));
  ASSERT_EQ(SetTimes(Path("f"), kOldAtime, kOldMtime), 0);
  const timespec low = Now(CLOCK_REALTIME_COARSE);
  ASSERT_EQ(SetTimes(Path("f"), timespec{0, UTIME_OMIT}, timespec{0, UTIME_NOW}), 0);
  const timespec high = Now(CLOCK_REALTIME);
  struct stat st = StatOf(Path("f"));
  EXPECT_TRUE(SameTime(st.st_atim, kOldAtime));
  EXPECT_FALSE(IsLater(low, st.st_mtim)) << "mtime before the call";
  EXPECT_FALSE(IsLater(st.st_mtim, high)) << "mtime after the call";

  ASSERT_EQ(SetTimes(Path("f"), timespec{0, UTIME_NOW}, timespec{0, UTIME_OMIT}), 0);
  struct stat st2 = StatOf(Path("f"));
  EXPECT_TRUE(SameTime(st2.st_mtim, st.st_mtim));
  EXPECT_FALSE(IsLater(low, st2.st_atim));
}

TEST_F(TimesTest, UtimensatOnASymlinkWithNofollowChangesTheLinkOnly) {
  ASSERT_TRUE(WriteFile(Path("f"), "x"));
  ASSERT_EQ(SetTimes(Path("f"), kOldAtime, kOldAtime), 0);
  ASSERT_EQ(ErrnoOf(symlink("f", Path("l").c_str())), 0);
  ASSERT_EQ(SetTimes(Path("l"), kOldMtime, kOldMtime, AT_SYMLINK_NOFOLLOW), 0);
  EXPECT_TRUE(SameTime(LstatOf(Path("l")).st_mtim, kOldMtime));
  EXPECT_TRUE(SameTime(StatOf(Path("f")).st_mtim, kOldAtime));
}

TEST_F(TimesTest, WriteUpdatesMtimeAndCtime) {
  ASSERT_TRUE(WriteFile(Path("f"), "x"));
  ASSERT_EQ(SetTimes(Path("f"), kOldAtime, kOldMtime), 0);
  auto [before, after] = Around(Path("f"), [&] {
    Fd fd = Open(Path("f"), O_WRONLY);
    ASSERT_EQ(write(fd.get(), "more", 4), 4);
  });
  EXPECT_TRUE(IsLater(after.st_mtim, before.st_mtim));
  EXPECT_TRUE(IsLater(after.st_ctim, before.st_ctim));
}

TEST_F(TimesTest, TruncateUpdatesMtimeAndCtime) {
  ASSERT_TRUE(WriteFile(Path("f"), "xyz"));
  ASSERT_EQ(SetTimes(Path("f"), kOldAtime, kOldMtime), 0);
  auto [before, after] = Around(Path("f"), [&] { ASSERT_EQ(ErrnoOf(truncate(Path("f").c_str(), 1)), 0); });
  EXPECT_TRUE(IsLater(after.st_mtim, before.st_mtim));
  EXPECT_TRUE(IsLater(after.st_ctim, before.st_ctim));
}

TEST_F(TimesTest, ReadDoesNotChangeMtimeOrCtime) {
  ASSERT_TRUE(WriteFile(Path("f"), "xyz"));
  auto [before, after] = Around(Path("f"), [&] { EXPECT_EQ(ReadFile(Path("f")), "xyz"); });
  EXPECT_TRUE(SameTime(after.st_mtim, before.st_mtim));
  EXPECT_TRUE(SameTime(after.st_ctim, before.st_ctim));
}

struct CtimeCase {
  const char* name;
  int (*op)(const std::string& dir);  // changes dir/f's inode; returns an errno
  const char* name_after;             // where the inode is found afterwards
};

// gtest prints a failing case by its name rather than its bytes.
void PrintTo(const CtimeCase& c, std::ostream* os) { *os << c.name; }

class CtimeTest : public TimesTest, public ::testing::WithParamInterface<CtimeCase> {};

TEST_P(CtimeTest, InodeChangeUpdatesCtimeButNotMtime) {
  const CtimeCase& c = GetParam();
  ASSERT_TRUE(WriteFile(Path("f"), "x"));
  ASSERT_EQ(SetTimes(Path("f"), kOldAtime, kOldMtime), 0);
  struct stat before = LstatOf(Path("f"));
  WaitForClockPast(NewestTime(before));
  ASSERT_EQ(c.op(dir_), 0) << c.name;
  struct stat after = LstatOf(Path(c.name_after));
  EXPECT_EQ(after.st_ino, before.st_ino);
  EXPECT_TRUE(IsLater(after.st_ctim, before.st_ctim)) << c.name;
  EXPECT_TRUE(SameTime(after.st_mtim, before.st_mtim)) << c.name;
}

int ChmodOp(const std::string& d) { return ErrnoOf(chmod((d + "/f").c_str(), 0600)); }
int ChownOp(const std::string& d) { return ErrnoOf(chown((d + "/f").c_str(), 1234, 5678)); }
int LinkOp(const std::string& d) { return ErrnoOf(link((d + "/f").c_str(), (d + "/f2").c_str())); }
int UnlinkOtherNameOp(const std::string& d) {
  if (link((d + "/f").c_str(), (d + "/f2").c_str()) != 0) return errno;
  return ErrnoOf(unlink((d + "/f2").c_str()));
}
int RenameOp(const std::string& d) { return ErrnoOf(rename((d + "/f").c_str(), (d + "/moved").c_str())); }
int SetxattrOp(const std::string& d) {
  return ErrnoOf(setxattr((d + "/f").c_str(), "user.k", "v", 1, 0));
}

INSTANTIATE_TEST_SUITE_P(Ops, CtimeTest,
                         ::testing::Values(CtimeCase{"Chmod", ChmodOp, "f"}, CtimeCase{"Chown", ChownOp, "f"},
                                           CtimeCase{"Link", LinkOp, "f"}, CtimeCase{"Unlink", UnlinkOtherNameOp, "f"},
                                           CtimeCase{"Rename", RenameOp, "moved"},
                                           CtimeCase{"Setxattr", SetxattrOp, "f"}),
                         RowName());

TEST_F(TimesTest, CreateAndUnlinkUpdateTheParentsMtimeAndCtime) {
  ASSERT_EQ(ErrnoOf(mkdir(Path("p").c_str(), 0755)), 0);
  for (const char* step : {"create", "unlink", "mkdir", "rmdir", "symlink", "rename-out"}) {
    ASSERT_EQ(SetTimes(Path("p"), kOldAtime, kOldMtime), 0);
    const std::string s = step;
    auto [before, after] = Around(Path("p"), [&] {
      int err = 0;
      if (s == "create") err = WriteFile(Path("p/x"), "") ? 0 : -1;
      if (s == "unlink") err = ErrnoOf(unlink(Path("p/x").c_str()));
      if (s == "mkdir") err = ErrnoOf(mkdir(Path("p/d").c_str(), 0755));
      if (s == "rmdir") err = ErrnoOf(rmdir(Path("p/d").c_str()));
      if (s == "symlink") err = ErrnoOf(symlink("t", Path("p/l").c_str()));
      if (s == "rename-out") err = ErrnoOf(rename(Path("p/l").c_str(), Path("l").c_str()));
      ASSERT_EQ(err, 0) << step;
    });
    EXPECT_TRUE(IsLater(after.st_mtim, before.st_mtim)) << step;
    EXPECT_TRUE(IsLater(after.st_ctim, before.st_ctim)) << step;
  }
}

TEST_F(TimesTest, UtimensatOfAMissingFileFailsWithENOENT) {
  EXPECT_EQ(SetTimes(Path("missing"), kOldAtime, kOldMtime), ENOENT);
}

}  // namespace
}  // namespace rpuffs::posix
