// memfs's own -o words (memfs_options.h): taken out, applied, the rest kept.
#include <gtest/gtest.h>

#include "client/memfs/memfs_options.h"

namespace rpuffs::memfs {
namespace {

TEST(MemFsOptionsTest, TakesItsWordsAndKeepsTheRestInOrder) {
  std::vector<std::string> args = {"rpuffs-memfs", "/mnt", "-o", "ro,attr_timeout=2.5,allow_other",
                                   "-f", "-oentry_timeout=30", "-o", "negative_timeout=0"};
  MemFsOptions options;
  std::string error;
  ASSERT_TRUE(TakeMemFsOptions(&args, &options, &error)) << error;
  EXPECT_EQ(args, (std::vector<std::string>{"rpuffs-memfs", "/mnt", "-o", "ro,allow_other", "-f"}));
  EXPECT_EQ(options.attr_timeout, 2.5);
  EXPECT_EQ(options.entry_timeout, 30);
  EXPECT_EQ(options.negative_timeout, 0);
}

TEST(MemFsOptionsTest, LeavesACommandLineWithoutItsWordsAlone) {
  std::vector<std::string> args = {"rpuffs-memfs", "/mnt", "-o", "default_permissions", "-d"};
  const std::vector<std::string> before = args;
  MemFsOptions options;
  std::string error;
  ASSERT_TRUE(TakeMemFsOptions(&args, &options, &error));
  EXPECT_EQ(args, before);
  EXPECT_EQ(options.attr_timeout, MemFsOptions().attr_timeout);
}

TEST(MemFsOptionsTest, RejectsValuesThatAreNotSecondsWithAReason) {
  for (const char* bad : {"attr_timeout=", "attr_timeout=abc", "entry_timeout=-1",
                          "negative_timeout=1s", "entry_timeout=inf"}) {
    std::vector<std::string> args = {"rpuffs-memfs", "/mnt", "-o", bad};
    MemFsOptions options;
    std::string error;
    EXPECT_FALSE(TakeMemFsOptions(&args, &options, &error)) << bad;
    EXPECT_NE(error.find(bad), std::string::npos) << error;
  }
}

}  // namespace
}  // namespace rpuffs::memfs
