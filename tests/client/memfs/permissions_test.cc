// Ownership and permissions: setgid dirs, sticky dirs, suid/sgid clearing,
// chown/chmod/utimes rules, access checks.
#include "client/memfs/access.h"
#include "tests/client/memfs/memfs_test_util.h"

namespace rpuffs::memfs::testing {
namespace {

class PermissionsTest : public MemFsTest {};

TEST_F(PermissionsTest, SetgidDirectoryPassesGroupAndBitOn) {
  const Ino shared = Mkdir(kRootIno, "shared", 02775);
  struct stat attr {};
  attr.st_gid = 500;
  ASSERT_EQ(SetAttr(root_, shared, FUSE_SET_ATTR_GID, attr), 0);
  FakeRequest user(1000, 1000, {500});
  const Ino f = MakeFile(user, shared, "f");
  const Ino d = Mkdir(user, shared, "d", 0755);
  EXPECT_EQ(Stat(f).st_gid, 500u);
  EXPECT_EQ(Stat(f).st_mode & S_ISGID, 0u);
  EXPECT_EQ(Stat(d).st_gid, 500u);
  EXPECT_EQ(Stat(d).st_mode & 07777, 02755u);
  // Outside a setgid dir the caller's own group is used.
  EXPECT_EQ(Stat(MakeFile(user, kRootIno, "g")).st_gid, 1000u);
}

TEST_F(PermissionsTest, SetgidFileInForeignGroupLosesTheBitOnCreate) {
  const Ino shared = Mkdir(kRootIno, "shared", 02777);  // group 0
  FakeRequest user(1000, 1000);
  const Ino f = MakeFile(user, shared, "f", 02755);
  EXPECT_EQ(Stat(f).st_mode & 07777, 0755u);
}

TEST_F(PermissionsTest, WriteByNonRootClearsSuidAndSgid) {
  FakeRequest user(1000, 1000);
  const Ino f = MakeFile(user, kRootIno, "f", 06755);
  ASSERT_EQ(Stat(f).st_mode & 07777, 06755u);
  ASSERT_EQ(WriteAt(f, "x", 0, &user), 0);
  EXPECT_EQ(Stat(f).st_mode & 07777, 0755u);
  // S_ISGID without group-exec is mandatory locking, not set-group-id: kept.
  const Ino g = MakeFile(user, kRootIno, "g", 02644);
  ASSERT_EQ(WriteAt(g, "x", 0, &user), 0);
  EXPECT_EQ(Stat(g).st_mode & 07777, 02644u);
}

TEST_F(PermissionsTest, WriteAndTruncateDropFileCapabilities) {
  FakeRequest user(1000, 1000);
  const Ino f = MakeFile(kRootIno, "f", 0666);
  std::string value;
  ASSERT_EQ(ops_.setxattr(root_, f, "security.capability", "caps", 0), 0);
  ASSERT_EQ(ops_.setxattr(root_, f, "user.keep", "v", 0), 0);
  ASSERT_EQ(WriteAt(f, "x", 0, &user), 0);
  EXPECT_EQ(ops_.getxattr(root_, f, "security.capability", &value), ENODATA);
  EXPECT_EQ(ops_.getxattr(root_, f, "user.keep", &value), 0);
  // Root's writes drop them too (unlike set-id bits).
  ASSERT_EQ(ops_.setxattr(root_, f, "security.capability", "caps", 0), 0);
  ASSERT_EQ(Truncate(f, 0), 0);
  EXPECT_EQ(ops_.getxattr(root_, f, "security.capability", &value), ENODATA);
}

TEST_F(PermissionsTest, OpenWithTruncByNonRootClearsSuid) {
  FakeRequest user(1000, 1000);
  const Ino f = MakeFile(user, kRootIno, "f", 04755);
  puffs::OpenFile fi = Open(f, O_WRONLY | O_TRUNC, &user);
  EXPECT_EQ(ops_.release(user, f, fi), 0);
  EXPECT_EQ(Stat(f).st_mode & 07777, 0755u);
}

TEST_F(PermissionsTest, UmaskAppliesToNewNodesButNotSymlinks) {
  FakeRequest user(1000, 1000, {}, 027);
  EXPECT_EQ(Stat(MakeFile(user, kRootIno, "f", 0666)).st_mode & 07777, 0640u);
  EXPECT_EQ(Stat(Mkdir(user, kRootIno, "d", 0777)).st_mode & 07777, 0750u);
  puffs::Entry e;
  ASSERT_EQ(ops_.symlink(user, "f", kRootIno, "l", &e), 0);
  EXPECT_EQ(e.attr.st_mode & 07777, 0777u);
}

TEST_F(PermissionsTest, WriteByRootKeepsSuid) {
  const Ino f = MakeFile(kRootIno, "f", 04755);
  ASSERT_EQ(WriteAt(f, "x", 0), 0);
  EXPECT_EQ(Stat(f).st_mode & 07777, 04755u);
}

TEST_F(PermissionsTest, KillSuidFlagsFromTheKernelClearBits) {
  const Ino f = MakeFile(kRootIno, "f", 06755);
  struct stat attr {};
  ASSERT_EQ(SetAttr(root_, f, FUSE_SET_ATTR_KILL_SUID, attr), 0);
  EXPECT_EQ(Stat(f).st_mode & 07777, 02755u);
  ASSERT_EQ(SetAttr(root_, f, FUSE_SET_ATTR_KILL_SGID, attr), 0);
  EXPECT_EQ(Stat(f).st_mode & 07777, 0755u);
}

// Under KILLPRIV_V2 the kernel asks a caller without CAP_FSETID to have
// suid/sgid cleared; the flag counts even when the uid is 0.
TEST_F(PermissionsTest, KillSuidgidOnWriteTruncateAndOpenClearsBits) {
  const Ino f = MakeFile(kRootIno, "f", 06755);
  puffs::OpenFile fi;
  fi.flags = O_WRONLY;
  ASSERT_EQ(ops_.open(root_, f, &fi), 0);
  fi.kill_suidgid = true;
  size_t written = 0;
  ASSERT_EQ(ops_.write(root_, f, "x", 1, 0, fi, &written), 0);
  EXPECT_EQ(ops_.release(root_, f, fi), 0);
  EXPECT_EQ(Stat(f).st_mode & 07777, 0755u);

  const Ino g = MakeFile(kRootIno, "g", 06755);
  puffs::SetAttrIn in;
  in.valid = FUSE_SET_ATTR_SIZE;
  in.kill_suidgid = true;
  puffs::AttrOut out;
  ASSERT_EQ(ops_.setattr(root_, g, in, &out), 0);
  EXPECT_EQ(out.attr.st_mode & 07777, 0755u);

  const Ino h = MakeFile(kRootIno, "h", 04755);
  puffs::OpenFile trunc;
  trunc.flags = O_WRONLY | O_TRUNC;
  trunc.kill_suidgid = true;
  ASSERT_EQ(ops_.open(root_, h, &trunc), 0);
  EXPECT_EQ(ops_.release(root_, h, trunc), 0);
  EXPECT_EQ(Stat(h).st_mode & 07777, 0755u);
}

TEST_F(PermissionsTest, ChownClearsSuidEvenForRoot) {
  const Ino f = MakeFile(kRootIno, "f", 06755);
  struct stat attr {};
  attr.st_uid = 1000;
  ASSERT_EQ(SetAttr(root_, f, FUSE_SET_ATTR_UID, attr), 0);
  EXPECT_EQ(Stat(f).st_uid, 1000u);
  EXPECT_EQ(Stat(f).st_mode & 07777, 0755u);
  // Directories keep their set-id bits.
  const Ino d = Mkdir(kRootIno, "d", 02755);
  ASSERT_EQ(SetAttr(root_, d, FUSE_SET_ATTR_UID, attr), 0);
  EXPECT_EQ(Stat(d).st_mode & 07777, 02755u);
}

TEST_F(PermissionsTest, OwnerOnlySetattrRules) {
  FakeRequest owner(1000, 1000, {2000});
  FakeRequest other(1001, 1001);
  struct Case {
    const char* what;
    FakeRequest* who;
    int valid;
    uid_t uid;
    gid_t gid;
    int want;
  };
  const int kNowTimes = FUSE_SET_ATTR_ATIME | FUSE_SET_ATTR_MTIME | FUSE_SET_ATTR_ATIME_NOW |
                        FUSE_SET_ATTR_MTIME_NOW;
  const Case cases[] = {
      {"owner chmod", &owner, FUSE_SET_ATTR_MODE, 0, 0, 0},
      {"other chmod", &other, FUSE_SET_ATTR_MODE, 0, 0, EPERM},
      {"owner gives file away", &owner, FUSE_SET_ATTR_UID, 1001, 0, EPERM},
      {"owner chown to self", &owner, FUSE_SET_ATTR_UID, 1000, 0, 0},
      {"other chown to self", &other, FUSE_SET_ATTR_UID, 1001, 0, EPERM},
      {"root gives file away", &root_, FUSE_SET_ATTR_UID, 1001, 0, 0},
      {"owner chgrp to own group", &owner, FUSE_SET_ATTR_GID, 0, 2000, 0},
      {"owner chgrp to primary group", &owner, FUSE_SET_ATTR_GID, 0, 1000, 0},
      {"owner chgrp to foreign group", &owner, FUSE_SET_ATTR_GID, 0, 3000, EPERM},
      {"other chgrp", &other, FUSE_SET_ATTR_GID, 0, 1001, EPERM},
      {"owner sets explicit times", &owner, FUSE_SET_ATTR_MTIME, 0, 0, 0},
      {"other sets explicit times", &other, FUSE_SET_ATTR_MTIME, 0, 0, EPERM},
      {"other without write touches", &other, kNowTimes, 0, 0, EACCES},
      {"other truncates read-only file", &other, FUSE_SET_ATTR_SIZE, 0, 0, EACCES},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.what);
    Reset();
    const Ino f = MakeFile(owner, kRootIno, "f", 0644);
    struct stat attr {};
    attr.st_mode = 0600;
    attr.st_uid = c.uid;
    attr.st_gid = c.gid;
    EXPECT_EQ(SetAttr(*c.who, f, c.valid, attr), c.want);
    const struct stat st = Stat(f);
    if (c.want != 0) {
      EXPECT_EQ(st.st_mode & 07777, 0644u);
      EXPECT_EQ(st.st_uid, 1000u);
      EXPECT_EQ(st.st_gid, 1000u);
    } else if (c.valid & FUSE_SET_ATTR_UID) {
      EXPECT_EQ(st.st_uid, c.uid);
    } else if (c.valid & FUSE_SET_ATTR_GID) {
      EXPECT_EQ(st.st_gid, c.gid);
    }
  }
}

TEST_F(PermissionsTest, WriterMayTouchTimesToNow) {
  FakeRequest owner(1000, 1000), other(1001, 1001);
  const Ino f = MakeFile(owner, kRootIno, "f", 0666);
  struct stat attr {};
  EXPECT_EQ(SetAttr(other, f,
                    FUSE_SET_ATTR_ATIME | FUSE_SET_ATTR_MTIME | FUSE_SET_ATTR_ATIME_NOW |
                        FUSE_SET_ATTR_MTIME_NOW,
                    attr),
            0);
}

// Under the kernel's writeback cache, utimes-to-now arrives as ATIME_NOW with
// an explicit mtime (the kernel keeps mtime itself); a writer may still do it,
// while explicit times from the caller stay the owner's.
TEST_F(PermissionsTest, WriterMayTouchTimesToNowUnderWritebackCache) {
  FakeRequest owner(1000, 1000), other(1001, 1001), reader(1002, 1002);
  const Ino f = MakeFile(owner, kRootIno, "f", 0646);
  puffs::SetAttrIn in;
  in.valid = FUSE_SET_ATTR_ATIME | FUSE_SET_ATTR_MTIME | FUSE_SET_ATTR_ATIME_NOW;
  in.attr.st_mtim = {12345, 0};
  in.writeback_cache = true;
  puffs::AttrOut out;
  EXPECT_EQ(ops_.setattr(other, f, in, &out), 0);
  EXPECT_EQ(Stat(f).st_mtim.tv_sec, 12345);
  in.writeback_cache = false;  // the same request without the cache: explicit times
  EXPECT_EQ(ops_.setattr(other, f, in, &out), EPERM);
  in.valid = FUSE_SET_ATTR_ATIME | FUSE_SET_ATTR_MTIME;  // both explicit: the owner's
  in.writeback_cache = true;
  EXPECT_EQ(ops_.setattr(other, f, in, &out), EPERM);
}

TEST_F(PermissionsTest, ChmodByOwnerOutsideGroupDropsSetgid) {
  FakeRequest owner(1000, 1000);
  const Ino f = MakeFile(owner, kRootIno, "f", 0644);
  struct stat attr {};
  attr.st_gid = 4000;
  ASSERT_EQ(SetAttr(root_, f, FUSE_SET_ATTR_GID, attr), 0);
  attr.st_mode = 02755;
  ASSERT_EQ(SetAttr(owner, f, FUSE_SET_ATTR_MODE, attr), 0);
  EXPECT_EQ(Stat(f).st_mode & 07777, 0755u);
}

TEST_F(PermissionsTest, ChmodUpdatesCtime) {
  const Ino f = MakeFile(kRootIno, "f", 0644);
  struct stat attr {};
  attr.st_ctim = {100, 1};
  ASSERT_EQ(SetAttr(root_, f, FUSE_SET_ATTR_CTIME, attr), 0);
  ASSERT_EQ(Stat(f).st_ctim.tv_sec, 100);
  attr.st_mode = 0600;
  ASSERT_EQ(SetAttr(root_, f, FUSE_SET_ATTR_MODE, attr), 0);
  EXPECT_GT(Stat(f).st_ctim.tv_sec, 100);
}

TEST_F(PermissionsTest, AccessChecksFollowModeBits) {
  FakeRequest owner(1000, 1000), member(1001, 1001, {1000}), other(1002, 1002);
  const Ino d = Mkdir(owner, kRootIno, "d", 0750);
  const Ino f = MakeFile(owner, d, "f", 0640);
  puffs::OpenFile fi;
  fi.flags = O_RDONLY;
  EXPECT_EQ(ops_.open(member, f, &fi), 0);
  EXPECT_EQ(ops_.release(member, f, fi), 0);
  fi.flags = O_WRONLY;
  EXPECT_EQ(ops_.open(member, f, &fi), EACCES);
  fi.flags = O_RDONLY;
  EXPECT_EQ(ops_.open(other, f, &fi), EACCES);
  puffs::Entry e;
  EXPECT_EQ(ops_.lookup(other, d, "f", &e), EACCES);
  EXPECT_EQ(ops_.lookup(member, d, "f", &e), 0);
  EXPECT_EQ(ops_.create(member, d, "g", 0644, &fi, &e), EACCES);  // no group write
  EXPECT_EQ(ops_.unlink(member, d, "f"), EACCES);
  // Root reads anything, but executes only what has an x bit.
  FakeRequest rootreq(0, 0);
  ChunkArena arena;
  EXPECT_TRUE(MayAccess(rootreq, *std::make_unique<Inode>(9, S_IFREG | 0, 5, 5, 0, arena), R_OK | W_OK));
  EXPECT_FALSE(MayAccess(rootreq, *std::make_unique<Inode>(9, S_IFREG | 0644, 5, 5, 0, arena), X_OK));
  EXPECT_TRUE(MayAccess(rootreq, *std::make_unique<Inode>(9, S_IFREG | 0100, 5, 5, 0, arena), X_OK));
}

TEST_F(PermissionsTest, StickyDirectoryLimitsUnlinkAndRmdir) {
  FakeRequest alice(1001, 1001), bob(1002, 1002);
  const Ino tmp = Mkdir(kRootIno, "tmp", 01777);
  MakeFile(alice, tmp, "a");
  Mkdir(alice, tmp, "ad");
  EXPECT_EQ(ops_.unlink(bob, tmp, "a"), EPERM);
  EXPECT_EQ(ops_.rmdir(bob, tmp, "ad"), EPERM);
  EXPECT_EQ(ops_.unlink(alice, tmp, "a"), 0);
  EXPECT_EQ(ops_.rmdir(alice, tmp, "ad"), 0);
  // The directory's owner may remove anyone's entries.
  FakeRequest carol(1003, 1003);
  const Ino own = Mkdir(carol, kRootIno, "own", 01777);
  MakeFile(alice, own, "x");
  EXPECT_EQ(ops_.unlink(carol, own, "x"), 0);
}

TEST_F(PermissionsTest, DeviceNodesNeedRoot) {
  FakeRequest user(1000, 1000);
  puffs::Entry e;
  EXPECT_EQ(ops_.mknod(user, kRootIno, "blk", S_IFBLK | 0600, 0x801, &e), EPERM);
  EXPECT_EQ(ops_.mknod(user, kRootIno, "fifo", S_IFIFO | 0600, 0, &e), 0);
  EXPECT_EQ(e.attr.st_uid, 1000u);
}

}  // namespace
}  // namespace rpuffs::memfs::testing
