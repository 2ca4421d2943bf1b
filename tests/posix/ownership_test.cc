// Ownership rules for unprivileged callers: new files take the caller's
// uid/gid, setgid directories pass their group (and S_ISGID to subdirs),
// sticky directories protect other users' entries, and writes by non-root
// clear suid/sgid. Calls run in a forked child (RunAs); the test stays root.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "tests/posix/as_user.h"
#include "tests/posix/posix_fixture.h"

namespace rpuffs::posix {
namespace {

constexpr gid_t kSharedGroup = 4242;

int CreateErrno(const std::string& path) {
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) return errno;
  return close(fd) == 0 ? 0 : errno;
}

int WriteErrno(const std::string& path, const char* data) {
  int fd = open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) return errno;
  ssize_t n = write(fd, data, strlen(data));
  int err = n < 0 ? errno : 0;
  close(fd);
  return err;
}

class OwnershipTest : public PosixTest {
 protected:
  void MakeDir(const std::string& name, mode_t mode, uid_t uid, gid_t gid) {
    ASSERT_EQ(ErrnoOf(mkdir(Path(name).c_str(), 0755)), 0);
    ASSERT_EQ(ErrnoOf(chown(Path(name).c_str(), uid, gid)), 0);
    ASSERT_EQ(ErrnoOf(chmod(Path(name).c_str(), mode)), 0);
  }
  void MakeFile(const std::string& name, mode_t mode, uid_t uid, gid_t gid) {
    ASSERT_TRUE(WriteFile(Path(name), "data"));
    ASSERT_EQ(ErrnoOf(chown(Path(name).c_str(), uid, gid)), 0);
    ASSERT_EQ(ErrnoOf(chmod(Path(name).c_str(), mode)), 0);  // after chown, which clears suid
  }
};

TEST_F(OwnershipTest, NewObjectsTakeTheCallersUidAndGid) {
  const std::string d = dir_;
  EXPECT_EQ(RunAs(kAlice, [&] { return CreateErrno(d + "/file"); }), 0);
  EXPECT_EQ(RunAs(kAlice, [&] { return ErrnoOf(mkdir((d + "/dir").c_str(), 0755)); }), 0);
  EXPECT_EQ(RunAs(kAlice, [&] { return ErrnoOf(symlink("t", (d + "/link").c_str())); }), 0);
  EXPECT_EQ(RunAs(kAlice, [&] { return ErrnoOf(mkfifo((d + "/fifo").c_str(), 0644)); }), 0);
  for (const char* name : {"file", "dir", "link", "fifo"}) {
    struct stat st = LstatOf(Path(name));
    EXPECT_EQ(st.st_uid, kAlice.uid) << name;
    EXPECT_EQ(st.st_gid, kAlice.gid) << name;
  }
}

TEST_F(OwnershipTest, SetgidDirectoryPassesItsGroupAndTheBitToSubdirectories) {
  ASSERT_NO_FATAL_FAILURE(MakeDir("shared", 02777, 0, kSharedGroup));
  const std::string d = Path("shared");
  EXPECT_EQ(RunAs(kAlice, [&] { return CreateErrno(d + "/file"); }), 0);
  EXPECT_EQ(RunAs(kAlice, [&] { return ErrnoOf(mkdir((d + "/sub").c_str(), 0755)); }), 0);
  struct stat file = StatOf(d + "/file"), sub = StatOf(d + "/sub");
  EXPECT_EQ(file.st_uid, kAlice.uid);
  EXPECT_EQ(file.st_gid, kSharedGroup);
  EXPECT_EQ(file.st_mode & S_ISGID, 0u) << "regular files do not inherit S_ISGID";
  EXPECT_EQ(sub.st_uid, kAlice.uid);
  EXPECT_EQ(sub.st_gid, kSharedGroup);
  EXPECT_NE(sub.st_mode & S_ISGID, 0u) << "subdirectories inherit S_ISGID";
  // And it propagates one level further.
  EXPECT_EQ(RunAs(kAlice, [&] { return CreateErrno(d + "/sub/deeper"); }), 0);
  EXPECT_EQ(StatOf(d + "/sub/deeper").st_gid, kSharedGroup);
}

TEST_F(OwnershipTest, StickyDirectoryProtectsOtherUsersEntriesWithEPERM) {
  ASSERT_NO_FATAL_FAILURE(MakeDir("tmp", 01777, 0, 0));
  ASSERT_NO_FATAL_FAILURE(MakeFile("tmp/bobs", 0666, kBob.uid, kBob.gid));
  ASSERT_NO_FATAL_FAILURE(MakeFile("tmp/alices", 0666, kAlice.uid, kAlice.gid));
  const std::string d = Path("tmp");
  EXPECT_EQ(RunAs(kAlice, [&] { return ErrnoOf(unlink((d + "/bobs").c_str())); }), EPERM);
  EXPECT_EQ(RunAs(kAlice, [&] { return ErrnoOf(rename((d + "/bobs").c_str(), (d + "/x").c_str())); }), EPERM);
  EXPECT_EQ(RunAs(kAlice, [&] { return ErrnoOf(rename((d + "/alices").c_str(), (d + "/bobs").c_str())); }),
            EPERM);
  EXPECT_EQ(LstatOf(d + "/bobs").st_uid, kBob.uid);
  // Own entries may go; the file is still writable by others, but that does not matter.
  EXPECT_EQ(RunAs(kAlice, [&] { return ErrnoOf(unlink((d + "/alices").c_str())); }), 0);
  EXPECT_EQ(ListDir(d).size(), 1u);
}

TEST_F(OwnershipTest, StickyDirectoryOwnerMayRemoveAnyEntry) {
  ASSERT_NO_FATAL_FAILURE(MakeDir("tmp", 01777, kAlice.uid, kAlice.gid));
  ASSERT_NO_FATAL_FAILURE(MakeFile("tmp/bobs", 0644, kBob.uid, kBob.gid));
  const std::string d = Path("tmp");
  EXPECT_EQ(RunAs(kAlice, [&] { return ErrnoOf(unlink((d + "/bobs").c_str())); }), 0);
}

TEST_F(OwnershipTest, WriteByANonRootUserClearsSuidAndSgid) {
  ASSERT_NO_FATAL_FAILURE(MakeFile("prog", 06775, kAlice.uid, kAlice.gid));
  ASSERT_EQ(StatOf(Path("prog")).st_mode & 07777, 06775u);
  const std::string f = Path("prog");
  EXPECT_EQ(RunAs(kAlice, [&] { return WriteErrno(f, "patched"); }), 0);
  EXPECT_EQ(StatOf(f).st_mode & 07777, 0775u);
  EXPECT_EQ(ReadFile(f), "patched");
}

TEST_F(OwnershipTest, WriteByRootKeepsSuid) {
  ASSERT_NO_FATAL_FAILURE(MakeFile("prog", 04755, kAlice.uid, kAlice.gid));
  ASSERT_EQ(WriteErrno(Path("prog"), "root"), 0);
  EXPECT_EQ(StatOf(Path("prog")).st_mode & 07777, 04755u);
}

TEST_F(OwnershipTest, ChownClearsSuidAndSgid) {
  ASSERT_NO_FATAL_FAILURE(MakeFile("prog", 06755, kAlice.uid, kAlice.gid));
  ASSERT_EQ(ErrnoOf(chown(Path("prog").c_str(), kBob.uid, kBob.gid)), 0);
  EXPECT_EQ(StatOf(Path("prog")).st_mode & 07777, 0755u);
}

TEST_F(OwnershipTest, ChmodSgidByANonMemberDropsTheBit) {
  // The owner is not in the file's group: S_ISGID is silently dropped.
  ASSERT_NO_FATAL_FAILURE(MakeFile("f", 0644, kAlice.uid, kSharedGroup));
  const std::string f = Path("f");
  EXPECT_EQ(RunAs(kAlice, [&] { return ErrnoOf(chmod(f.c_str(), 02755)); }), 0);
  EXPECT_EQ(StatOf(f).st_mode & 07777, 0755u);
}

}  // namespace
}  // namespace rpuffs::posix
