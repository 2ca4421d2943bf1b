// Names: create, mkdir, mknod, symlink, link, unlink, rmdir — errnos, owners, link counts.
#include <sys/sysmacros.h>

#include <functional>

#include "tests/client/memfs/memfs_test_util.h"

namespace rpuffs::memfs::testing {
namespace {

class NamespaceTest : public MemFsTest {};

TEST_F(NamespaceTest, CreateGivesCallerOwnershipAndAppliesUmask) {
  FakeRequest user(1000, 1000, {}, 022);
  puffs::Entry e;
  puffs::OpenFile fi;
  ASSERT_EQ(ops_.create(user, kRootIno, "f", 0666, &fi, &e), 0);
  EXPECT_EQ(e.attr.st_uid, 1000u);
  EXPECT_EQ(e.attr.st_gid, 1000u);
  EXPECT_EQ(e.attr.st_mode, S_IFREG | 0644u);
  EXPECT_EQ(e.attr.st_nlink, 1u);
  EXPECT_EQ(LookupIno(kRootIno, "f"), e.ino);
  EXPECT_EQ(ops_.release(user, e.ino, fi), 0);
}

// A tree every case starts from: /dir/sub, /dir/f, /file, /ro (0555), /gone (removed).
struct Tree {
  Ino dir, sub, f, file, ro;
};

TEST_F(NamespaceTest, EntryOperationsFailWithTheRightErrno) {
  FakeRequest user(1000, 1000);
  const std::string long_name(256, 'x');
  struct Case {
    const char* what;
    std::function<int(puffs::Ops&, Tree&)> op;
    int want;
  };
  puffs::Entry e;
  puffs::OpenFile fi;
  const std::vector<Case> cases = {
      {"create existing", [&](puffs::Ops& o, Tree& t) { return o.create(root_, t.dir, "f", 0644, &fi, &e); }, EEXIST},
      {"mkdir existing", [&](puffs::Ops& o, Tree& t) { return o.mkdir(root_, t.dir, "sub", 0755, &e); }, EEXIST},
      {"mkdir over file", [&](puffs::Ops& o, Tree& t) { return o.mkdir(root_, kRootIno, "file", 0755, &e); }, EEXIST},
      {"create in missing dir", [&](puffs::Ops& o, Tree& t) { return o.create(root_, 9999, "x", 0644, &fi, &e); }, ENOENT},
      {"create under a file", [&](puffs::Ops& o, Tree& t) { return o.create(root_, t.file, "x", 0644, &fi, &e); }, ENOTDIR},
      {"name too long", [&](puffs::Ops& o, Tree& t) { return o.mkdir(root_, t.dir, long_name, 0755, &e); }, ENAMETOOLONG},
      {"lookup too long", [&](puffs::Ops& o, Tree& t) { return o.lookup(root_, t.dir, long_name, &e); }, ENAMETOOLONG},
      {"lookup missing (a negative entry)", [&](puffs::Ops& o, Tree& t) { return o.lookup(root_, t.dir, "nope", &e); }, 0},
      {"lookup under a file", [&](puffs::Ops& o, Tree& t) { return o.lookup(root_, t.file, "x", &e); }, ENOTDIR},
      {"chardev by non-root", [&](puffs::Ops& o, Tree& t) { return o.mknod(user, kRootIno, "c", S_IFCHR | 0600, makedev(1, 3), &e); }, EPERM},
      {"mknod of a directory type", [&](puffs::Ops& o, Tree& t) { return o.mknod(root_, kRootIno, "d", S_IFDIR | 0755, 0, &e); }, EINVAL},
      {"symlink to empty target", [&](puffs::Ops& o, Tree& t) { return o.symlink(root_, "", kRootIno, "l", &e); }, ENOENT},
      {"symlink target too long", [&](puffs::Ops& o, Tree& t) { return o.symlink(root_, std::string(4096, 'a'), kRootIno, "l", &e); }, ENAMETOOLONG},
      {"link a directory", [&](puffs::Ops& o, Tree& t) { return o.link(root_, t.sub, kRootIno, "l", &e); }, EPERM},
      {"link onto existing name", [&](puffs::Ops& o, Tree& t) { return o.link(root_, t.file, t.dir, "f", &e); }, EEXIST},
      {"unlink a directory", [&](puffs::Ops& o, Tree& t) { return o.unlink(root_, t.dir, "sub"); }, EISDIR},
      {"unlink missing", [&](puffs::Ops& o, Tree& t) { return o.unlink(root_, t.dir, "nope"); }, ENOENT},
      {"rmdir a file", [&](puffs::Ops& o, Tree& t) { return o.rmdir(root_, kRootIno, "file"); }, ENOTDIR},
      {"rmdir non-empty", [&](puffs::Ops& o, Tree& t) { return o.rmdir(root_, kRootIno, "dir"); }, ENOTEMPTY},
      {"rmdir dot", [&](puffs::Ops& o, Tree& t) { return o.rmdir(root_, t.dir, "."); }, EINVAL},
      {"create in read-only dir", [&](puffs::Ops& o, Tree& t) { return o.create(user, t.ro, "x", 0644, &fi, &e); }, EACCES},
      {"unlink by another user in a 0777 dir", [&](puffs::Ops& o, Tree& t) { return o.unlink(user, kRootIno, "file"); }, 0},
      {"mkdir in read-only dir", [&](puffs::Ops& o, Tree& t) { return o.mkdir(user, t.ro, "x", 0755, &e); }, EACCES},
      {"readlink of a file", [&](puffs::Ops& o, Tree& t) { std::string s; return o.readlink(root_, t.file, &s); }, EINVAL},
      {"create in a removed dir", [&](puffs::Ops& o, Tree& t) {
         EXPECT_EQ(o.unlink(root_, t.dir, "f"), 0);
         EXPECT_EQ(o.rmdir(root_, t.dir, "sub"), 0);
         EXPECT_EQ(o.rmdir(root_, kRootIno, "dir"), 0);
         return o.create(root_, t.dir, "x", 0644, &fi, &e); }, ENOENT},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.what);
    MemFs fs(TestOptions());
    puffs::Ops ops = fs.MakeOps();
    Tree t{};
    puffs::Entry made;
    puffs::OpenFile made_fi;
    ASSERT_EQ(ops.mkdir(root_, kRootIno, "dir", 0755, &made), 0);
    t.dir = made.ino;
    ASSERT_EQ(ops.mkdir(root_, t.dir, "sub", 0755, &made), 0);
    t.sub = made.ino;
    ASSERT_EQ(ops.create(root_, t.dir, "f", 0644, &made_fi, &made), 0);
    t.f = made.ino;
    ASSERT_EQ(ops.create(root_, kRootIno, "file", 0644, &made_fi, &made), 0);
    t.file = made.ino;
    ASSERT_EQ(ops.mkdir(root_, kRootIno, "ro", 0555, &made), 0);
    t.ro = made.ino;
    EXPECT_EQ(c.op(ops, t), c.want);
  }
}

TEST_F(NamespaceTest, MissingNameAnswersANegativeEntryWithTheNegativeTimeout) {
  MemFsOptions options = TestOptions();
  options.negative_timeout = 7.5;
  Reset(options);
  const Ino dir = Mkdir(kRootIno, "d");
  puffs::Entry e;
  e.ino = 99;
  ASSERT_EQ(ops_.lookup(root_, dir, "nope", &e), 0);
  EXPECT_EQ(e.ino, 0u);
  EXPECT_EQ(e.entry_timeout, 7.5);
  MakeFile(dir, "nope");
  EXPECT_NE(LookupIno(dir, "nope"), 0u);
}

TEST_F(NamespaceTest, ZeroNegativeTimeoutOrARemovedDirectoryAnswersENOENT) {
  MemFsOptions options = TestOptions();
  options.negative_timeout = 0;
  Reset(options);
  puffs::Entry e;
  EXPECT_EQ(ops_.lookup(root_, kRootIno, "nope", &e), ENOENT);
  Reset();
  const Ino dir = Mkdir(kRootIno, "gone");
  ASSERT_EQ(ops_.rmdir(root_, kRootIno, "gone"), 0);
  EXPECT_EQ(ops_.lookup(root_, dir, "x", &e), ENOENT);
  EXPECT_EQ(ops_.lookup(root_, kRootIno, "nope", &e), 0);
  EXPECT_EQ(e.ino, 0u);
}

TEST_F(NamespaceTest, LinkCountsFollowEntries) {
  const Ino a = Mkdir(kRootIno, "a");
  EXPECT_EQ(Stat(kRootIno).st_nlink, 3u);  // ".", "..", a's ".."
  EXPECT_EQ(Stat(a).st_nlink, 2u);
  Mkdir(a, "b");
  Mkdir(a, "c");
  EXPECT_EQ(Stat(a).st_nlink, 4u);
  const Ino f = MakeFile(a, "f");
  puffs::Entry e;
  ASSERT_EQ(ops_.link(root_, f, kRootIno, "f2", &e), 0);
  EXPECT_EQ(e.ino, f);
  EXPECT_EQ(e.attr.st_nlink, 2u);
  EXPECT_EQ(Stat(a).st_nlink, 4u);  // files do not count
  ASSERT_EQ(ops_.unlink(root_, a, "f"), 0);
  EXPECT_EQ(Stat(f).st_nlink, 1u);
  ASSERT_EQ(ops_.rmdir(root_, a, "b"), 0);
  EXPECT_EQ(Stat(a).st_nlink, 3u);
  ASSERT_EQ(ops_.rename(root_, a, "c", kRootIno, "c", 0), 0);
  EXPECT_EQ(Stat(a).st_nlink, 2u);
  EXPECT_EQ(Stat(kRootIno).st_nlink, 4u);
}

TEST_F(NamespaceTest, MknodMakesFifosSocketsAndDevices) {
  struct Case {
    mode_t mode;
    dev_t rdev;
    dev_t want_rdev;
  };
  const Case cases[] = {{S_IFIFO | 0644, 0, 0},
                        {S_IFSOCK | 0755, 0, 0},
                        {S_IFCHR | 0600, makedev(1, 3), makedev(1, 3)},
                        {S_IFBLK | 0600, makedev(8, 1), makedev(8, 1)},
                        {S_IFREG | 0600, makedev(9, 9), 0}};
  puffs::Entry plain;
  ASSERT_EQ(ops_.mknod(root_, kRootIno, "typeless", 0640, 0, &plain), 0);
  EXPECT_EQ(plain.attr.st_mode, S_IFREG | 0640u);
  int n = 0;
  for (const Case& c : cases) {
    puffs::Entry e;
    const std::string name = "node" + std::to_string(n++);
    ASSERT_EQ(ops_.mknod(root_, kRootIno, name, c.mode, c.rdev, &e), 0) << name;
    const struct stat st = Stat(e.ino);
    EXPECT_EQ(st.st_mode, c.mode) << name;
    EXPECT_EQ(st.st_rdev, c.want_rdev) << name;
    EXPECT_EQ(st.st_nlink, 1u) << name;
  }
}

TEST_F(NamespaceTest, SymlinkKeepsTargetAndSize) {
  puffs::Entry e;
  ASSERT_EQ(ops_.symlink(root_, "../some/where", kRootIno, "l", &e), 0);
  EXPECT_TRUE(S_ISLNK(e.attr.st_mode));
  EXPECT_EQ(e.attr.st_mode & 07777, 0777u);
  EXPECT_EQ(e.attr.st_size, 13);
  std::string target;
  ASSERT_EQ(ops_.readlink(root_, e.ino, &target), 0);
  EXPECT_EQ(target, "../some/where");
}

TEST_F(NamespaceTest, DotAndDotDotResolve) {
  const Ino a = Mkdir(kRootIno, "a");
  const Ino b = Mkdir(a, "b");
  EXPECT_EQ(LookupIno(b, ".."), a);
  EXPECT_EQ(LookupIno(b, "."), b);
  EXPECT_EQ(LookupIno(kRootIno, ".."), kRootIno);
}

TEST_F(NamespaceTest, EntryChangesUpdateParentTimesAndChildCtime) {
  const Ino dir = Mkdir(kRootIno, "d");
  const Ino f = MakeFile(dir, "f");
  struct stat old {};
  old.st_atim = old.st_mtim = {1000, 5};
  ASSERT_EQ(SetAttr(root_, dir, FUSE_SET_ATTR_ATIME | FUSE_SET_ATTR_MTIME, old), 0);
  const struct stat before = Stat(dir);
  EXPECT_EQ(before.st_mtim.tv_sec, 1000);
  EXPECT_EQ(before.st_mtim.tv_nsec, 5);
  const struct stat file_before = Stat(f);
  puffs::Entry e;
  ASSERT_EQ(ops_.link(root_, f, dir, "g", &e), 0);
  const struct stat after = Stat(dir);
  EXPECT_GT(after.st_mtim.tv_sec, 1000);
  EXPECT_GE(after.st_ctim.tv_sec, before.st_ctim.tv_sec);
  const struct stat file_after = Stat(f);
  EXPECT_TRUE(file_after.st_ctim.tv_sec > file_before.st_ctim.tv_sec ||
              (file_after.st_ctim.tv_sec == file_before.st_ctim.tv_sec &&
               file_after.st_ctim.tv_nsec >= file_before.st_ctim.tv_nsec));
  ASSERT_EQ(SetAttr(root_, dir, FUSE_SET_ATTR_ATIME | FUSE_SET_ATTR_MTIME, old), 0);
  ASSERT_EQ(ops_.unlink(root_, dir, "g"), 0);
  EXPECT_GT(Stat(dir).st_mtim.tv_sec, 1000);
}

TEST_F(NamespaceTest, InodeLimitGivesENOSPC) {
  MemFsOptions options = TestOptions();
  options.max_inodes = 3;
  MemFs fs(options);
  puffs::Ops ops = fs.MakeOps();
  puffs::Entry e;
  ASSERT_EQ(ops.mkdir(root_, kRootIno, "a", 0755, &e), 0);
  ASSERT_EQ(ops.mkdir(root_, kRootIno, "b", 0755, &e), 0);
  EXPECT_EQ(ops.mkdir(root_, kRootIno, "c", 0755, &e), ENOSPC);
  struct statvfs sv;
  ASSERT_EQ(ops.statfs(root_, kRootIno, &sv), 0);
  EXPECT_EQ(sv.f_files, 3u);
  EXPECT_EQ(sv.f_ffree, 0u);
}

}  // namespace
}  // namespace rpuffs::memfs::testing
