// Which timestamps each operation changes: mtime+ctime of a directory whose
// entries change, ctime of an inode that changes, mtime of written files.
// Times are first set far in the past, so "changed" never depends on timing.
#include <fcntl.h>

#include <functional>

#include "storage/volume_impl.h"
#include "tests/storage/volume_fixture.h"

namespace rpuffs::storage::testing {
namespace {

constexpr Timespec kPast{1000, 0};

class TimesTest : public VolumeTest {
 protected:
  void Age(Ino ino) {
    SetAttrIn in;
    in.valid = SetAttrIn::kAtime | SetAttrIn::kMtime;
    in.atime = in.mtime = kPast;
    ASSERT_TRUE(v->SetAttr(Op(), root, ino, in).ok());
  }
};
STORAGE_SUITE(TimesTest);

TEST_P(TimesTest, EntryChangesTouchParentMtimeAndCtime) {
  struct Case {
    const char* what;
    std::function<int(Ino dir)> op;
  } cases[] = {
      {"create", [&](Ino d) { return v->Mknod(Op(), root, d, "new", S_IFREG | 0644, 0).err(); }},
      {"mkdir", [&](Ino d) { return v->Mkdir(Op(), root, d, "newdir", 0755).err(); }},
      {"symlink", [&](Ino d) { return v->Symlink(Op(), root, d, "sl", "x").err(); }},
      {"unlink", [&](Ino d) { return v->Unlink(Op(), root, d, "f").err(); }},
      {"rmdir", [&](Ino d) { return v->Rmdir(Op(), root, d, "sub").err(); }},
      {"rename", [&](Ino d) { return v->Rename(Op(), root, d, "f", d, "g", 0).err(); }},
      {"link", [&](Ino d) { return v->Link(Op(), root, v->Lookup(root, d, "f")->ino, d, "h").err(); }},
  };
  int i = 0;
  for (const auto& c : cases) {
    Ino d = MkdirOk(kRootIno, "d" + std::to_string(i++));
    FileOk(d, "f");
    MkdirOk(d, "sub");
    Age(d);
    Attr before = AttrOk(d);
    ASSERT_EQ(c.op(d), 0) << c.what;
    Attr after = AttrOk(d);
    EXPECT_FALSE(after.mtime == kPast) << c.what;
    EXPECT_EQ(after.mtime, after.ctime) << c.what;
    EXPECT_FALSE(after.ctime < before.ctime) << c.what;
    EXPECT_EQ(after.atime, kPast) << c.what;
  }
}

TEST_P(TimesTest, InodeChangesTouchCtimeOnly) {
  Ino f = FileOk(kRootIno, "f", "abc");
  struct Case {
    const char* what;
    std::function<int()> op;
  } cases[] = {
      {"chmod", [&] { return v->SetAttr(Op(), root, f, SetMode(0600)).err(); }},
      {"chown", [&] { return v->SetAttr(Op(), root, f, SetUid(5)).err(); }},
      {"link", [&] { return v->Link(Op(), root, f, kRootIno, "f2").err(); }},
      {"unlink of one link", [&] { return v->Unlink(Op(), root, kRootIno, "f2").err(); }},
      {"rename", [&] { return v->Rename(Op(), root, kRootIno, "f", kRootIno, "f3", 0).err(); }},
      {"setxattr", [&] { return v->SetXattr(Op(), root, f, "user.a", "1", 0).err(); }},
      {"removexattr", [&] { return v->RemoveXattr(Op(), root, f, "user.a").err(); }},
  };
  for (const auto& c : cases) {
    Age(f);
    Attr before = AttrOk(f);
    ASSERT_EQ(c.op(), 0) << c.what;
    Attr after = AttrOk(f);
    EXPECT_EQ(after.mtime, kPast) << c.what;
    EXPECT_EQ(after.atime, kPast) << c.what;
    EXPECT_FALSE(after.ctime < before.ctime) << c.what;
  }
}

TEST_P(TimesTest, DataChangesTouchMtimeAndCtime) {
  Ino f = FileOk(kRootIno, "f", "abc");
  struct Case {
    const char* what;
    std::function<int()> op;
  } cases[] = {
      {"write", [&] { return v->Write(Op(), root, f, 0, "x", false).err(); }},
      {"truncate", [&] { return v->SetAttr(Op(), root, f, SetSize(1)).err(); }},
      {"open O_TRUNC", [&] {
         auto r = v->Open(Op(), root, f, O_WRONLY | O_TRUNC);
         return r.ok() ? v->Release(kSession, r->fh, false).err() : r.err();
       }},
  };
  for (const auto& c : cases) {
    Age(f);
    ASSERT_EQ(c.op(), 0) << c.what;
    Attr after = AttrOk(f);
    EXPECT_FALSE(after.mtime == kPast) << c.what;
    EXPECT_EQ(after.mtime, after.ctime) << c.what;
  }
}

}  // namespace
}  // namespace rpuffs::storage::testing
