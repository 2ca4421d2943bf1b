#include <gtest/gtest.h>

#include <algorithm>

#include "client/rpuffs/mount_options.h"

namespace rpuffs::client {
namespace {

bool Has(const MountSettings& s, const std::string& option) {
  return std::find(s.fuse_options.begin(), s.fuse_options.end(), option) != s.fuse_options.end();
}

remote::Target Srv() { return remote::Target{"host:7420", "vol"}; }

TEST(MountOptions, OursAreTakenOutAndTheRestPassThroughWithDefaults) {
  MountSettings s;
  std::string why;
  ASSERT_TRUE(ParseMountOptions(Srv(), {"token=t,attr_timeout=2.5", "grace=5,ro,entry_timeout=0"}, &s,
                                &why))
      << why;
  EXPECT_EQ(s.remote.token, "t");
  EXPECT_EQ(s.remote.target, "host:7420");
  EXPECT_EQ(s.remote.volume, "vol");
  EXPECT_DOUBLE_EQ(s.fs.attr_timeout, 2.5);
  EXPECT_DOUBLE_EQ(s.fs.entry_timeout, 0);
  EXPECT_EQ(s.remote.grace, std::chrono::milliseconds(5000));
  EXPECT_TRUE(Has(s, "ro"));
  EXPECT_TRUE(Has(s, "default_permissions"));
  EXPECT_TRUE(s.fs.kernel_checks_permissions);
  EXPECT_TRUE(Has(s, "fsname=host:7420/vol"));
  EXPECT_TRUE(Has(s, "subtype=rpuffs"));
  EXPECT_FALSE(Has(s, "token=t"));
}

TEST(MountOptions, OptOutsAndOverrides) {
  MountSettings s;
  std::string why;
  ASSERT_TRUE(ParseMountOptions(Srv(), {"nodefault_permissions,noallow_other,fsname=x"}, &s, &why));
  EXPECT_FALSE(Has(s, "default_permissions"));
  EXPECT_FALSE(s.fs.kernel_checks_permissions);
  EXPECT_FALSE(Has(s, "allow_other"));
  EXPECT_TRUE(Has(s, "fsname=x"));
  EXPECT_FALSE(Has(s, "fsname=host:7420/vol"));
}

TEST(MountOptions, PollWindowIsOursAndBounded) {
  MountSettings s;
  std::string why;
  ASSERT_TRUE(ParseMountOptions(Srv(), {"ro"}, &s, &why));
  EXPECT_EQ(s.poll_us, -1);  // not given: the flag's value applies
  ASSERT_TRUE(ParseMountOptions(Srv(), {"poll_us=0,ro"}, &s, &why)) << why;
  EXPECT_EQ(s.poll_us, 0);
  EXPECT_FALSE(Has(s, "poll_us=0"));
  MountSettings t;
  ASSERT_TRUE(ParseMountOptions(Srv(), {"poll_us=1000"}, &t, &why));
  EXPECT_EQ(t.poll_us, 1000);
  for (const char* bad : {"poll_us=", "poll_us=-1", "poll_us=10001", "poll_us=5x"}) {
    MountSettings u;
    EXPECT_FALSE(ParseMountOptions(Srv(), {bad}, &u, &why)) << bad;
    EXPECT_NE(why.find("poll_us"), std::string::npos) << why;
  }
}

TEST(MountOptions, BadValuesAreRejectedWithAReason) {
  for (const char* bad : {"attr_timeout=x", "grace=-1", "entry_timeout=", "a,,b"}) {
    MountSettings s;
    std::string why;
    EXPECT_FALSE(ParseMountOptions(Srv(), {bad}, &s, &why)) << bad;
    EXPECT_FALSE(why.empty()) << bad;
  }
}

}  // namespace
}  // namespace rpuffs::client

namespace rpuffs::client {
namespace {

TEST(MountOptions, WatchOnWithSixtySecondsUnlessSaidOtherwise) {
  MountSettings s;
  std::string why;
  ASSERT_TRUE(ParseMountOptions(Srv(), {"ro"}, &s, &why)) << why;
  EXPECT_TRUE(s.fs.watch);
  EXPECT_DOUBLE_EQ(s.fs.cache_timeout, 60);
  ASSERT_TRUE(ParseMountOptions(Srv(), {"nowatch,cache_timeout=3600"}, &s, &why)) << why;
  EXPECT_FALSE(s.fs.watch);
  EXPECT_DOUBLE_EQ(s.fs.cache_timeout, 3600);
  EXPECT_FALSE(Has(s, "nowatch"));
  EXPECT_FALSE(Has(s, "cache_timeout=3600"));
  EXPECT_FALSE(ParseMountOptions(Srv(), {"cache_timeout=soon"}, &s, &why));
}

}  // namespace
}  // namespace rpuffs::client
