// Extended attributes in the user.* namespace: set/get/list/remove, the
// create/replace flags, size queries, ERANGE and the largest value.
#include <fcntl.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

#include "tests/posix/posix_fixture.h"

namespace rpuffs::posix {
namespace {

constexpr size_t kXattrSizeMax = 65536;  // the VFS limit (XATTR_SIZE_MAX)

class XattrTest : public PosixTest {
 protected:
  void SetUp() override {
    PosixTest::SetUp();
    file_ = Path("f");
    ASSERT_TRUE(WriteFile(file_, "x"));
  }
  int Set(const std::string& name, const std::string& value, int flags = 0) {
    return ErrnoOf(setxattr(file_.c_str(), name.c_str(), value.data(), value.size(), flags));
  }
  // The value, or "<errno N>" when getxattr fails.
  std::string Get(const std::string& name) {
    std::vector<char> buf(kXattrSizeMax);
    ssize_t n = getxattr(file_.c_str(), name.c_str(), buf.data(), buf.size());
    if (n < 0) return "<errno " + std::to_string(errno) + ">";
    return std::string(buf.data(), static_cast<size_t>(n));
  }
  // user.* names (other namespaces, e.g. security.selinux, are skipped).
  std::vector<std::string> List() {
    std::vector<char> buf(kXattrSizeMax);
    ssize_t n = listxattr(file_.c_str(), buf.data(), buf.size());
    EXPECT_GE(n, 0) << strerror(errno);
    std::vector<std::string> names;
    for (ssize_t at = 0; at < n; at += static_cast<ssize_t>(strlen(buf.data() + at)) + 1) {
      std::string name(buf.data() + at);
      if (name.rfind("user.", 0) == 0) names.push_back(name);
    }
    std::sort(names.begin(), names.end());
    return names;
  }
  std::string file_;
};

std::string ErrnoText(int e) { return "<errno " + std::to_string(e) + ">"; }

TEST_F(XattrTest, SetGetListRemoveRoundTrip) {
  ASSERT_EQ(Set("user.one", "1"), 0);
  ASSERT_EQ(Set("user.two", std::string("binary\0value", 12)), 0);
  ASSERT_EQ(Set("user.empty", ""), 0);
  EXPECT_EQ(Get("user.one"), "1");
  EXPECT_EQ(Get("user.two"), std::string("binary\0value", 12));
  EXPECT_EQ(Get("user.empty"), "");
  EXPECT_EQ(List(), (std::vector<std::string>{"user.empty", "user.one", "user.two"}));
  ASSERT_EQ(ErrnoOf(removexattr(file_.c_str(), "user.one")), 0);
  EXPECT_EQ(Get("user.one"), ErrnoText(ENODATA));
  EXPECT_EQ(List(), (std::vector<std::string>{"user.empty", "user.two"}));
}

TEST_F(XattrTest, SetOverwritesAnExistingValue) {
  ASSERT_EQ(Set("user.k", "a long first value"), 0);
  ASSERT_EQ(Set("user.k", "short"), 0);
  EXPECT_EQ(Get("user.k"), "short");
}

TEST_F(XattrTest, CreateFlagOnAnExistingNameFailsWithEEXIST) {
  ASSERT_EQ(Set("user.k", "v1", XATTR_CREATE), 0);
  EXPECT_EQ(Set("user.k", "v2", XATTR_CREATE), EEXIST);
  EXPECT_EQ(Get("user.k"), "v1");
}

TEST_F(XattrTest, ReplaceFlagOnAMissingNameFailsWithENODATA) {
  EXPECT_EQ(Set("user.k", "v", XATTR_REPLACE), ENODATA);
  EXPECT_EQ(Get("user.k"), ErrnoText(ENODATA));
  ASSERT_EQ(Set("user.k", "v"), 0);
  EXPECT_EQ(Set("user.k", "w", XATTR_REPLACE), 0);
  EXPECT_EQ(Get("user.k"), "w");
}

TEST_F(XattrTest, MissingNamesFailWithENODATA) {
  EXPECT_EQ(Get("user.missing"), ErrnoText(ENODATA));
  EXPECT_EQ(ErrnoOf(removexattr(file_.c_str(), "user.missing")), ENODATA);
}

TEST_F(XattrTest, SizeQueryAndShortBuffers) {
  ASSERT_EQ(Set("user.k", "0123456789"), 0);
  EXPECT_EQ(getxattr(file_.c_str(), "user.k", nullptr, 0), 10);
  char small[4];
  EXPECT_EQ(ErrnoOf(getxattr(file_.c_str(), "user.k", small, sizeof small)), ERANGE);
  ssize_t list_size = listxattr(file_.c_str(), nullptr, 0);
  EXPECT_GE(list_size, static_cast<ssize_t>(sizeof "user.k"));
  EXPECT_EQ(ErrnoOf(listxattr(file_.c_str(), small, sizeof small)), ERANGE);
}

TEST_F(XattrTest, LargestValueRoundTrips) {
  std::string value = Pattern(kXattrSizeMax, 7);
  int err = Set("user.big", value);
  // ext4 without the ea_inode feature keeps a value within one block, so the
  // local target refuses 64 KiB with ENOSPC/E2BIG; there, check the largest
  // value it can hold instead (still a multi-hundred-byte binary round trip).
  if (std::string(TargetName()) == "local" && (err == ENOSPC || err == E2BIG)) value.resize(2048);
  if (value.size() != kXattrSizeMax) err = Set("user.big", value);
  ASSERT_EQ(err, 0) << strerror(err);
  EXPECT_EQ(getxattr(file_.c_str(), "user.big", nullptr, 0), static_cast<ssize_t>(value.size()));
  EXPECT_TRUE(Get("user.big") == value);
}

TEST_F(XattrTest, ValueAboveTheVfsLimitFailsWithE2BIG) {
  std::string value(kXattrSizeMax + 1, 'v');
  EXPECT_EQ(Set("user.huge", value), E2BIG);
  EXPECT_EQ(Get("user.huge"), ErrnoText(ENODATA));
}

TEST_F(XattrTest, UserAttributesOnSymlinksAreRefusedWithEPERM) {
  ASSERT_EQ(ErrnoOf(symlink("f", Path("l").c_str())), 0);
  EXPECT_EQ(ErrnoOf(lsetxattr(Path("l").c_str(), "user.k", "v", 1, 0)), EPERM);
}

TEST_F(XattrTest, DirectoriesCarryAttributesToo) {
  ASSERT_EQ(ErrnoOf(mkdir(Path("d").c_str(), 0755)), 0);
  ASSERT_EQ(ErrnoOf(setxattr(Path("d").c_str(), "user.dir", "yes", 3, 0)), 0);
  char buf[8];
  EXPECT_EQ(getxattr(Path("d").c_str(), "user.dir", buf, sizeof buf), 3);
  EXPECT_EQ(std::string(buf, 3), "yes");
}

TEST_F(XattrTest, AttributesFollowTheInodeThroughRenameAndLink) {
  ASSERT_EQ(Set("user.k", "kept"), 0);
  ASSERT_EQ(ErrnoOf(rename(file_.c_str(), Path("g").c_str())), 0);
  ASSERT_EQ(ErrnoOf(link(Path("g").c_str(), Path("h").c_str())), 0);
  char buf[8];
  EXPECT_EQ(getxattr(Path("h").c_str(), "user.k", buf, sizeof buf), 4);
  EXPECT_EQ(std::string(buf, 4), "kept");
}

TEST_F(XattrTest, UnknownNamespaceFailsWithEOPNOTSUPP) {
  EXPECT_EQ(Set("bogus.k", "v"), EOPNOTSUPP);
}

}  // namespace
}  // namespace rpuffs::posix
