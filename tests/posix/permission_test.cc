// Access checks for an unprivileged caller: EACCES on unreadable, unwritable
// and unsearchable objects, and EPERM for chmod/chown that only the owner or
// root may do. The call runs in a forked child as uid 1000 (RunAs); the test
// process stays root to prepare and inspect.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <ostream>
#include <string>

#include "tests/posix/as_user.h"
#include "tests/posix/posix_fixture.h"

namespace rpuffs::posix {
namespace {

int OpenErrno(const std::string& path, int flags) {
  int fd = open(path.c_str(), flags | O_CLOEXEC, 0644);
  if (fd < 0) return errno;
  close(fd);
  return 0;
}

class PermissionTest : public PosixTest {
 protected:
  // A root-owned file with `mode`.
  void MakeRootFile(const std::string& name, mode_t mode) {
    ASSERT_TRUE(WriteFile(Path(name), "secret"));
    ASSERT_EQ(ErrnoOf(chmod(Path(name).c_str(), mode)), 0);
  }
  void MakeDir(const std::string& name, mode_t mode, uid_t uid = 0, gid_t gid = 0) {
    ASSERT_EQ(ErrnoOf(mkdir(Path(name).c_str(), 0755)), 0);
    ASSERT_EQ(ErrnoOf(chown(Path(name).c_str(), uid, gid)), 0);
    ASSERT_EQ(ErrnoOf(chmod(Path(name).c_str(), mode)), 0);
  }
};

struct AccessCase {
  const char* name;
  mode_t file_mode;  // of root-owned "f"
  int flags;
  int expected_errno;
};

// gtest prints a failing case by its name rather than its bytes.
void PrintTo(const AccessCase& c, std::ostream* os) { *os << c.name; }

class FileAccessTest : public PermissionTest, public ::testing::WithParamInterface<AccessCase> {};

TEST_P(FileAccessTest, OpenAsAnotherUserFollowsTheModeBits) {
  const AccessCase& c = GetParam();
  ASSERT_NO_FATAL_FAILURE(MakeRootFile("f", c.file_mode));
  const std::string path = Path("f");
  EXPECT_EQ(RunAs(kAlice, [&] { return OpenErrno(path, c.flags); }), c.expected_errno) << c.name;
  EXPECT_EQ(ReadFile(path), "secret");
}

INSTANTIATE_TEST_SUITE_P(
    Modes, FileAccessTest,
    ::testing::Values(AccessCase{"UnreadableEACCES", 0600, O_RDONLY, EACCES},
                      AccessCase{"UnwritableEACCES", 0644, O_WRONLY, EACCES},
                      AccessCase{"UnwritableOnTruncEACCES", 0644, O_RDONLY | O_TRUNC, EACCES},
                      AccessCase{"WriteOnlyForOthersRdwrEACCES", 0602, O_RDWR, EACCES},
                      AccessCase{"ReadableByOthersOk", 0604, O_RDONLY, 0},
                      AccessCase{"WritableByOthersOk", 0602, O_WRONLY, 0}),
    RowName());

TEST_F(PermissionTest, UnsearchableDirectoryHidesItsEntriesWithEACCES) {
  ASSERT_NO_FATAL_FAILURE(MakeDir("d", 0766));  // rw for others, but no x
  ASSERT_TRUE(WriteFile(Path("d/inner"), "x"));
  const std::string inner = Path("d/inner");
  EXPECT_EQ(RunAs(kAlice, [&] {
    struct stat st;
    return ErrnoOf(stat(inner.c_str(), &st));
  }), EACCES);
  EXPECT_EQ(RunAs(kAlice, [&] { return OpenErrno(inner, O_RDONLY); }), EACCES);
  EXPECT_EQ(RunAs(kAlice, [&] { return OpenErrno(Path("d/new"), O_WRONLY | O_CREAT); }), EACCES);
}

TEST_F(PermissionTest, UnreadableDirectoryCannotBeListed) {
  ASSERT_NO_FATAL_FAILURE(MakeDir("d", 0711));
  const std::string d = Path("d");
  EXPECT_EQ(RunAs(kAlice, [&] { return OpenErrno(d, O_RDONLY | O_DIRECTORY); }), EACCES);
}

TEST_F(PermissionTest, UnwritableDirectoryRefusesEveryChangeWithEACCES) {
  ASSERT_NO_FATAL_FAILURE(MakeDir("d", 0755));
  ASSERT_TRUE(WriteFile(Path("d/existing"), "x"));
  ASSERT_EQ(ErrnoOf(chmod(Path("d/existing").c_str(), 0666)), 0);
  const std::string d = Path("d");
  EXPECT_EQ(RunAs(kAlice, [&] { return OpenErrno(d + "/new", O_WRONLY | O_CREAT); }), EACCES);
  EXPECT_EQ(RunAs(kAlice, [&] { return ErrnoOf(mkdir((d + "/sub").c_str(), 0755)); }), EACCES);
  EXPECT_EQ(RunAs(kAlice, [&] { return ErrnoOf(unlink((d + "/existing").c_str())); }), EACCES);
  EXPECT_EQ(RunAs(kAlice, [&] { return ErrnoOf(symlink("t", (d + "/l").c_str())); }), EACCES);
  EXPECT_EQ(RunAs(kAlice, [&] { return ErrnoOf(rename((d + "/existing").c_str(), (d + "/e2").c_str())); }),
            EACCES);
  // Writing an existing, writable file needs no directory write permission.
  EXPECT_EQ(RunAs(kAlice, [&] { return OpenErrno(d + "/existing", O_WRONLY); }), 0);
  EXPECT_EQ(ListDir(d).size(), 1u);
}

TEST_F(PermissionTest, AccessReportsTheCallersRights) {
  ASSERT_NO_FATAL_FAILURE(MakeRootFile("f", 0604));
  const std::string f = Path("f");
  EXPECT_EQ(RunAs(kAlice, [&] { return ErrnoOf(access(f.c_str(), R_OK)); }), 0);
  EXPECT_EQ(RunAs(kAlice, [&] { return ErrnoOf(access(f.c_str(), W_OK)); }), EACCES);
  EXPECT_EQ(RunAs(kAlice, [&] { return ErrnoOf(access(f.c_str(), X_OK)); }), EACCES);
}

TEST_F(PermissionTest, RootGetsExecuteOnlyWhenSomeExecuteBitIsSet) {
  ASSERT_NO_FATAL_FAILURE(MakeRootFile("plain", 0666));
  ASSERT_NO_FATAL_FAILURE(MakeRootFile("script", 0744));
  EXPECT_EQ(ErrnoOf(access(Path("plain").c_str(), X_OK)), EACCES);
  EXPECT_EQ(ErrnoOf(access(Path("script").c_str(), X_OK)), 0);
  // Reading and writing need no bits at all for root.
  ASSERT_EQ(ErrnoOf(chmod(Path("plain").c_str(), 0)), 0);
  EXPECT_EQ(ErrnoOf(access(Path("plain").c_str(), R_OK | W_OK)), 0);
}

TEST_F(PermissionTest, GroupBitsApplyToGroupMembers) {
  ASSERT_NO_FATAL_FAILURE(MakeRootFile("f", 0640));
  ASSERT_EQ(ErrnoOf(chown(Path("f").c_str(), 0, 4242)), 0);
  const std::string f = Path("f");
  const Credentials member{1000, 1000, {4242}};
  EXPECT_EQ(RunAs(member, [&] { return OpenErrno(f, O_RDONLY); }), 0);
  EXPECT_EQ(RunAs(member, [&] { return OpenErrno(f, O_WRONLY); }), EACCES);
  EXPECT_EQ(RunAs(kAlice, [&] { return OpenErrno(f, O_RDONLY); }), EACCES);
}

TEST_F(PermissionTest, OwnerBitsApplyEvenWhenOthersHaveMore) {
  ASSERT_NO_FATAL_FAILURE(MakeRootFile("f", 0066));
  ASSERT_EQ(ErrnoOf(chown(Path("f").c_str(), kAlice.uid, kAlice.gid)), 0);
  const std::string f = Path("f");
  EXPECT_EQ(RunAs(kAlice, [&] { return OpenErrno(f, O_RDONLY); }), EACCES);
  EXPECT_EQ(RunAs(kBob, [&] { return OpenErrno(f, O_RDONLY); }), 0);
}

TEST_F(PermissionTest, ChmodByANonOwnerFailsWithEPERM) {
  ASSERT_NO_FATAL_FAILURE(MakeRootFile("f", 0666));
  const std::string f = Path("f");
  EXPECT_EQ(RunAs(kAlice, [&] { return ErrnoOf(chmod(f.c_str(), 0777)); }), EPERM);
  EXPECT_EQ(StatOf(f).st_mode & 07777, 0666u);
}

TEST_F(PermissionTest, ChmodByTheOwnerWorks) {
  ASSERT_NO_FATAL_FAILURE(MakeRootFile("f", 0600));
  ASSERT_EQ(ErrnoOf(chown(Path("f").c_str(), kAlice.uid, kAlice.gid)), 0);
  const std::string f = Path("f");
  EXPECT_EQ(RunAs(kAlice, [&] { return ErrnoOf(chmod(f.c_str(), 0640)); }), 0);
  EXPECT_EQ(StatOf(f).st_mode & 07777, 0640u);
}

TEST_F(PermissionTest, ChownByANonRootUserFailsWithEPERM) {
  ASSERT_NO_FATAL_FAILURE(MakeRootFile("f", 0644));
  ASSERT_EQ(ErrnoOf(chown(Path("f").c_str(), kAlice.uid, kAlice.gid)), 0);
  const std::string f = Path("f");
  // Giving the file away, or to a group the caller is not in, is refused.
  EXPECT_EQ(RunAs(kAlice, [&] { return ErrnoOf(chown(f.c_str(), kBob.uid, -1)); }), EPERM);
  EXPECT_EQ(RunAs(kAlice, [&] { return ErrnoOf(chown(f.c_str(), -1, kBob.gid)); }), EPERM);
  EXPECT_EQ(RunAs(kBob, [&] { return ErrnoOf(chown(f.c_str(), -1, kBob.gid)); }), EPERM);
  struct stat st = StatOf(f);
  EXPECT_EQ(st.st_uid, kAlice.uid);
  EXPECT_EQ(st.st_gid, kAlice.gid);
  // The owner may move it to a group it belongs to.
  const Credentials member{kAlice.uid, kAlice.gid, {4242}};
  EXPECT_EQ(RunAs(member, [&] { return ErrnoOf(chown(f.c_str(), -1, 4242)); }), 0);
  EXPECT_EQ(StatOf(f).st_gid, 4242u);
}

TEST_F(PermissionTest, UtimensatToExplicitTimesNeedsOwnershipButNowNeedsOnlyWrite) {
  ASSERT_NO_FATAL_FAILURE(MakeRootFile("f", 0666));
  const std::string f = Path("f");
  const timespec explicit_times[2] = {{1, 0}, {1, 0}};
  EXPECT_EQ(RunAs(kAlice, [&] { return ErrnoOf(utimensat(AT_FDCWD, f.c_str(), explicit_times, 0)); }), EPERM);
  EXPECT_EQ(RunAs(kAlice, [&] { return ErrnoOf(utimensat(AT_FDCWD, f.c_str(), nullptr, 0)); }), 0);
  ASSERT_EQ(ErrnoOf(chmod(f.c_str(), 0644)), 0);
  EXPECT_EQ(RunAs(kAlice, [&] { return ErrnoOf(utimensat(AT_FDCWD, f.c_str(), nullptr, 0)); }), EACCES);
}

}  // namespace
}  // namespace rpuffs::posix
