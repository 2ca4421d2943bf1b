// server/validate: the table of accepted and refused request fields.
#include "server/validate.h"

#include <linux/falloc.h>
#include <sys/stat.h>

#include <cerrno>
#include <limits>
#include <string>

#include <gtest/gtest.h>

namespace rpuffs::server {
namespace {

constexpr uint64_t kMax = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());

TEST(Validate, Names) {
  struct Case {
    std::string name;
    int existing, fresh;
  };
  for (const Case& c : std::vector<Case>{{"a", 0, 0},
                                         {std::string(255, 'a'), 0, 0},
                                         {std::string(256, 'a'), ENAMETOOLONG, ENAMETOOLONG},
                                         {"", EINVAL, EINVAL},
                                         {"a/b", EINVAL, EINVAL},
                                         {std::string("\0", 1), EINVAL, EINVAL},
                                         {".", 0, EINVAL},
                                         {"..", 0, EINVAL},
                                         {"...", 0, 0}}) {
    EXPECT_EQ(CheckName(c.name), c.existing) << c.name;
    EXPECT_EQ(CheckNewName(c.name), c.fresh) << c.name;
  }
}

TEST(Validate, InodesAndSymlinks) {
  EXPECT_EQ(CheckIno(0), ESTALE);
  EXPECT_EQ(CheckIno(1), 0);
  EXPECT_EQ(CheckSymlinkTarget(""), ENOENT);
  EXPECT_EQ(CheckSymlinkTarget(std::string(4095, 't')), 0);
  EXPECT_EQ(CheckSymlinkTarget(std::string(4096, 't')), ENAMETOOLONG);
}

TEST(Validate, Ranges) {
  EXPECT_EQ(CheckReadRange(kMax, 1 << 20), 0);
  EXPECT_EQ(CheckReadRange(kMax + 1, 1), EINVAL);
  EXPECT_EQ(CheckWriteRange(kMax - 10, 10), 0);
  EXPECT_EQ(CheckWriteRange(kMax - 10, 11), EFBIG);
  EXPECT_EQ(CheckWriteRange(kMax + 1, 0), EINVAL);
  EXPECT_EQ(CheckFallocate(0, 0, 0), EINVAL);
  EXPECT_EQ(CheckFallocate(0, kMax, 1), EFBIG);
  EXPECT_EQ(CheckFallocate(FALLOC_FL_PUNCH_HOLE, 0, 1), EOPNOTSUPP);
  EXPECT_EQ(CheckFallocate(FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 0, 1), 0);
  EXPECT_TRUE(IsOversizedIo((1 << 20) + 1));
  EXPECT_FALSE(IsOversizedIo(1 << 20));
  EXPECT_EQ(ReaddirPage(0), 1024u);
  EXPECT_EQ(ReaddirPage(10), 10u);
  EXPECT_EQ(ReaddirPage(1u << 31), 4096u);
}

TEST(Validate, ModesFlagsAndAttrs) {
  EXPECT_EQ(CheckMknodMode(S_IFCHR | 0600), 0);
  EXPECT_EQ(CheckMknodMode(S_IFDIR | 0755), EINVAL);
  EXPECT_EQ(CheckRenameFlags(1), 0);
  EXPECT_EQ(CheckRenameFlags(3), EINVAL);
  EXPECT_EQ(CheckSetAttr(511, 0, 0, 0), 0);
  EXPECT_EQ(CheckSetAttr(512, 0, 0, 0), EINVAL);
  EXPECT_EQ(CheckSetAttr(16, 0, 1000000000, 0), EINVAL);
  EXPECT_EQ(CheckSetAttr(8, kMax + 1, 0, 0), EINVAL);
  EXPECT_EQ(CheckXattrName(""), ERANGE);
  EXPECT_EQ(CheckXattrName(std::string(256, 'x')), ERANGE);
  EXPECT_EQ(CheckXattrValue(std::string(65537, 'v'), 0), E2BIG);
  EXPECT_EQ(CheckXattrValue("v", 3), EINVAL);
}

}  // namespace
}  // namespace rpuffs::server
