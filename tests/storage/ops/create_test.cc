#include <fcntl.h>

#include <cerrno>

#include "tests/storage/volume_fixture.h"

namespace rpuffs::storage::testing {
namespace {

class CreateTest : public VolumeTest {};
STORAGE_SUITE(CreateTest);

TEST_P(CreateTest, SetsOwnerModeTimesAndParentTimes) {
  Ino d = MkdirOk(kRootIno, "d", 0777);
  Attr before = AttrOk(d);
  auto r = v->Create(Op(), alice, d, "f", 0640, O_CREAT | O_RDWR);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->created);
  EXPECT_EQ(r->attr.mode, S_IFREG | 0640u);
  EXPECT_EQ(r->attr.uid, 1000u);
  EXPECT_EQ(r->attr.gid, 1000u);
  EXPECT_EQ(r->attr.nlink, 1u);
  EXPECT_EQ(r->attr.size, 0u);
  Attr after = AttrOk(d);
  EXPECT_FALSE(after.mtime < before.mtime);
  EXPECT_EQ(after.mtime, r->attr.ctime);
  EXPECT_EQ(after.ctime, r->attr.ctime);
  EXPECT_TRUE(v->Release(kSession, r->fh, false).ok());
}

TEST_P(CreateTest, ExistingFile) {
  Ino f = FileOk(kRootIno, "f", "data");
  EXPECT_EQ(v->Create(Op(), root, kRootIno, "f", 0644, O_CREAT | O_EXCL | O_RDWR).err(), EEXIST);
  auto again = v->Create(Op(), root, kRootIno, "f", 0644, O_CREAT | O_RDWR);
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(again->created);
  EXPECT_EQ(again->attr.ino, f);
  EXPECT_EQ(again->attr.size, 4u);
  auto trunc = v->Create(Op(), root, kRootIno, "f", 0644, O_CREAT | O_RDWR | O_TRUNC);
  ASSERT_TRUE(trunc.ok());
  EXPECT_EQ(trunc->attr.size, 0u);
  EXPECT_TRUE(v->Release(kSession, again->fh, false).ok());
  EXPECT_TRUE(v->Release(kSession, trunc->fh, false).ok());
}

TEST_P(CreateTest, ErrnoTable) {
  MkdirOk(kRootIno, "dir");
  Ino ro = MkdirOk(kRootIno, "ro", 0755);
  Ino f = FileOk(kRootIno, "file");
  struct Case {
    Ino parent;
    std::string name;
    Caller caller;
    uint32_t flags;
    int err;
  } cases[] = {
      {kRootIno, "dir", root, O_CREAT | O_RDWR, EISDIR},
      {kRootIno, "dir", root, O_CREAT | O_EXCL | O_RDWR, EEXIST},
      {ro, "x", alice, O_CREAT | O_RDWR, EACCES},
      {f, "x", root, O_CREAT | O_RDWR, ENOTDIR},
      {kRootIno, std::string(256, 'n'), root, O_CREAT, ENAMETOOLONG},
      {kRootIno, ".", root, O_CREAT | O_EXCL, EEXIST},
  };
  for (const auto& c : cases)
    EXPECT_EQ(v->Create(Op(), c.caller, c.parent, c.name, 0644, c.flags).err(), c.err) << c.name.substr(0, 10);
  EXPECT_EQ(v->Mkdir(Op(), root, kRootIno, "file", 0755).err(), EEXIST);
}

TEST_P(CreateTest, SetgidDirectoryPassesGroupAndBit) {
  Ino d = MkdirOk(kRootIno, "sg", 02777);
  ASSERT_TRUE(v->SetAttr(Op(), root, d, SetGid(500)).ok());
  auto f = v->Create(Op(), alice, d, "f", 0644, O_CREAT | O_RDWR);
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->attr.gid, 500u);
  EXPECT_TRUE(v->Release(kSession, f->fh, false).ok());
  auto sub = v->Mkdir(Op(), alice, d, "sub", 0755);
  ASSERT_TRUE(sub.ok());
  EXPECT_EQ(sub->gid, 500u);
  EXPECT_EQ(sub->mode & S_ISGID, static_cast<uint32_t>(S_ISGID));
  // A non-member's new setgid file loses the bit.
  auto g = v->Mknod(Op(), alice, d, "g", S_IFREG | 02755, 0);
  ASSERT_TRUE(g.ok());
  EXPECT_EQ(g->mode & S_ISGID, 0u);
}

TEST_P(CreateTest, MknodTypes) {
  auto fifo = v->Mknod(Op(), alice, MkdirOk(kRootIno, "d", 0777), "fifo", S_IFIFO | 0600, 0);
  ASSERT_TRUE(fifo.ok());
  EXPECT_TRUE(S_ISFIFO(fifo->mode));
  EXPECT_EQ(v->Mknod(Op(), alice, kRootIno, "chr", S_IFCHR | 0600, 0x0501).err(), EPERM);
  auto chr = v->Mknod(Op(), root, kRootIno, "chr", S_IFCHR | 0600, 0x0501);
  ASSERT_TRUE(chr.ok());
  EXPECT_EQ(chr->rdev, 0x0501u);
  EXPECT_EQ(v->Mknod(Op(), root, kRootIno, "d2", S_IFDIR | 0755, 0).err(), EPERM);
}

TEST_P(CreateTest, MaxInodesGivesENOSPC) {
  Close();
  store_options.volume.max_inodes = 3;
  OpenStore();
  FileOk(kRootIno, "a");
  FileOk(kRootIno, "b");
  EXPECT_EQ(v->Create(Op(), root, kRootIno, "c", 0644, O_CREAT).err(), ENOSPC);
  auto st = v->Statfs();
  ASSERT_TRUE(st.ok());
  EXPECT_EQ(st->files, 3u);
  EXPECT_EQ(st->ffree, 0u);
}

}  // namespace
}  // namespace rpuffs::storage::testing
