#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>

#include <gtest/gtest.h>

#include "storage/store.h"
#include "tests/support/test_support.h"

namespace rpuffs::storage {
namespace {

using rpuffs::testing::TempDir;

TEST(StoreTest, DefaultVolumeExistsAndDataPersists) {
  TempDir dir;
  Ino ino = 0;
  {
    auto s = Store::Open(dir.Sub("data"));
    ASSERT_TRUE(s.ok()) << s.status().message();
    Volume* v = s.value()->Find("default");
    ASSERT_NE(v, nullptr);
    auto m = v->Mkdir(OpId{}, Caller{}, kRootIno, "kept", 0755);
    ASSERT_TRUE(m.ok());
    ino = m->ino;
    EXPECT_EQ(s.value()->ListVolumes(), std::vector<std::string>{"default"});
  }
  auto s = Store::Open(dir.Sub("data"));
  ASSERT_TRUE(s.ok());
  auto l = s.value()->Find("default")->Lookup(Caller{}, kRootIno, "kept");
  ASSERT_TRUE(l.ok());
  EXPECT_EQ(l->ino, ino);
  auto m = s.value()->Find("default")->Mkdir(OpId{}, Caller{}, kRootIno, "next", 0755);
  ASSERT_TRUE(m.ok());
  EXPECT_GT(m->ino, ino);  // numbers never reused
}

TEST(StoreTest, SecondStoreOnSameDirIsEBUSY) {
  TempDir dir;
  auto first = Store::Open(dir.Sub("data"));
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(Store::Open(dir.Sub("data")).err(), EBUSY);
}

TEST(StoreTest, UnusableDirFailsWithItsErrno) {
  TempDir dir;
  std::ofstream(dir.Sub("file")) << "x";
  EXPECT_EQ(Store::Open(dir.Sub("file")).err(), ENOTDIR);
  EXPECT_EQ(Store::Open(dir.Sub("file") + "/sub").err(), ENOTDIR);
}

TEST(StoreTest, CreateVolumeValidatesNames) {
  TempDir dir;
  auto s = Store::Open(dir.Sub("data"));
  ASSERT_TRUE(s.ok());
  Store& store = *s.value();
  EXPECT_EQ(store.CreateVolume("default").err(), EEXIST);
  for (const char* bad : {"", "a/b", "..", "sp ace", "x\xff"}) EXPECT_EQ(store.CreateVolume(bad).err(), EINVAL) << bad;
  EXPECT_EQ(store.CreateVolume(std::string(65, 'v')).err(), EINVAL);
  auto v = store.CreateVolume("second-1.x_y");
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(store.Find("second-1.x_y"), v.value());
  EXPECT_EQ(store.Find("missing"), nullptr);
  EXPECT_EQ(store.ListVolumes(), (std::vector<std::string>{"default", "second-1.x_y"}));
}

TEST(StoreTest, NoDefaultVolumeWhenNotWanted) {
  TempDir dir;
  StoreOptions options;
  options.create_default_volume = false;
  auto s = Store::Open(dir.Sub("data"), options);
  ASSERT_TRUE(s.ok());
  EXPECT_TRUE(s.value()->ListVolumes().empty());
}

}  // namespace
}  // namespace rpuffs::storage
