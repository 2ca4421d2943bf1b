// Extended attributes: flags, errnos, limits, namespaces, listing.
#include <linux/xattr.h>

#include "tests/client/memfs/memfs_test_util.h"

namespace rpuffs::memfs::testing {
namespace {

class XattrTest : public MemFsTest {};

TEST_F(XattrTest, SetGetRemoveRoundTrip) {
  const Ino f = MakeFile(kRootIno, "f");
  ASSERT_EQ(ops_.setxattr(root_, f, "user.color", "blue", 0), 0);
  std::string value;
  ASSERT_EQ(ops_.getxattr(root_, f, "user.color", &value), 0);
  EXPECT_EQ(value, "blue");
  ASSERT_EQ(ops_.setxattr(root_, f, "user.empty", "", 0), 0);
  ASSERT_EQ(ops_.getxattr(root_, f, "user.empty", &value), 0);
  EXPECT_EQ(value, "");
  std::vector<std::string> names;
  ASSERT_EQ(ops_.listxattr(root_, f, &names), 0);
  EXPECT_EQ(names, (std::vector<std::string>{"user.color", "user.empty"}));
  ASSERT_EQ(ops_.removexattr(root_, f, "user.color"), 0);
  EXPECT_EQ(ops_.getxattr(root_, f, "user.color", &value), ENODATA);
}

TEST_F(XattrTest, RulesGiveExactErrnos) {
  FakeRequest user(1000, 1000);
  struct Case {
    const char* what;
    FakeRequest* who;
    const char* target;  // "file" (0644 root's), "link", "mine" (user's)
    std::string name;
    std::string value;
    int flags;
    int want;
  };
  const Case cases[] = {
      {"create new", &root_, "file", "user.a", "v", XATTR_CREATE, 0},
      {"create existing", &root_, "file", "user.set", "v", XATTR_CREATE, EEXIST},
      {"replace missing", &root_, "file", "user.a", "v", XATTR_REPLACE, ENODATA},
      {"replace existing", &root_, "file", "user.set", "v", XATTR_REPLACE, 0},
      {"bad flags", &root_, "file", "user.a", "v", 4, EINVAL},
      {"name too long", &root_, "file", "user." + std::string(251, 'n'), "v", 0, ERANGE},
      {"longest name", &root_, "file", "user." + std::string(250, 'n'), "v", 0, 0},
      {"value too big", &root_, "file", "user.a", std::string(65537, 'v'), 0, E2BIG},
      {"largest value", &root_, "file", "user.a", std::string(65536, 'v'), 0, 0},
      {"unknown namespace", &root_, "file", "foo.a", "v", 0, EOPNOTSUPP},
      {"user.* on a symlink", &root_, "link", "user.a", "v", 0, EPERM},
      {"trusted.* by non-root", &user, "mine", "trusted.a", "v", 0, EPERM},
      {"trusted.* by root", &root_, "file", "trusted.a", "v", 0, 0},
      {"user.* without write access", &user, "file", "user.a", "v", 0, EACCES},
      {"user.* on own file", &user, "mine", "user.a", "v", 0, 0},
      {"security.* by non-owner", &user, "file", "security.a", "v", 0, EPERM},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.what);
    Reset();
    const Ino file = MakeFile(kRootIno, "file");
    ASSERT_EQ(ops_.setxattr(root_, file, "user.set", "old", 0), 0);
    const Ino mine = MakeFile(user, kRootIno, "mine");
    puffs::Entry link;
    ASSERT_EQ(ops_.symlink(root_, "file", kRootIno, "link", &link), 0);
    const std::string target = c.target;
    const Ino ino = target == "file" ? file : target == "mine" ? mine : link.ino;
    EXPECT_EQ(ops_.setxattr(*c.who, ino, c.name, c.value, c.flags), c.want);
    std::string got;
    if (c.want == 0) {
      ASSERT_EQ(ops_.getxattr(*c.who, ino, c.name, &got), 0);
      EXPECT_EQ(got, c.value);
    }
  }
}

TEST_F(XattrTest, MissingNamesAndTotalSizeLimit) {
  const Ino f = MakeFile(kRootIno, "f");
  std::string value;
  EXPECT_EQ(ops_.getxattr(root_, f, "user.none", &value), ENODATA);
  EXPECT_EQ(ops_.removexattr(root_, f, "user.none"), ENODATA);
  const std::string big(MemFs::kXattrValueMax, 'b');
  int stored = 0;
  int err = 0;
  for (int i = 0; i < 32 && err == 0; ++i) {
    err = ops_.setxattr(root_, f, "user.big" + std::to_string(i), big, 0);
    if (err == 0) ++stored;
  }
  EXPECT_EQ(err, ENOSPC);
  EXPECT_EQ(stored, 15);  // 16 values plus their names exceed 1 MiB
  // Removing one makes room again.
  ASSERT_EQ(ops_.removexattr(root_, f, "user.big0"), 0);
  EXPECT_EQ(ops_.setxattr(root_, f, "user.again", big, 0), 0);
}

TEST_F(XattrTest, TrustedNamesAreHiddenFromNonRoot) {
  FakeRequest user(1000, 1000);
  const Ino f = MakeFile(kRootIno, "f");
  ASSERT_EQ(ops_.setxattr(root_, f, "trusted.t", "1", 0), 0);
  ASSERT_EQ(ops_.setxattr(root_, f, "user.u", "2", 0), 0);
  std::vector<std::string> names;
  ASSERT_EQ(ops_.listxattr(user, f, &names), 0);
  EXPECT_EQ(names, std::vector<std::string>{"user.u"});
  std::string value;
  EXPECT_EQ(ops_.getxattr(user, f, "trusted.t", &value), ENODATA);
}

TEST_F(XattrTest, SetxattrUpdatesCtime) {
  const Ino f = MakeFile(kRootIno, "f");
  struct stat attr {};
  attr.st_ctim = {100, 0};
  ASSERT_EQ(SetAttr(root_, f, FUSE_SET_ATTR_CTIME, attr), 0);
  ASSERT_EQ(ops_.setxattr(root_, f, "user.x", "y", 0), 0);
  EXPECT_GT(Stat(f).st_ctim.tv_sec, 100);
}

}  // namespace
}  // namespace rpuffs::memfs::testing
