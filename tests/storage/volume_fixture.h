// tests/storage — a fixture that opens a Store on a real RocksDB in a temp
// dir or on rocksdb::NewMemEnv (the test parameter), hands out callers and
// fresh OpIds, and checks after every test that Fsck finds nothing.
#pragma once

#include <gtest/gtest.h>
#include <rocksdb/env.h>
#include <sys/stat.h>

#include <memory>
#include <string>
#include <vector>

#include "storage/store.h"
#include "storage/volume.h"
#include "tests/support/test_support.h"

namespace rpuffs::storage::testing {

enum class Backend { kDisk, kMem };

class VolumeTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override;
  void TearDown() override;

  // Options used by the next (Re)Open.
  StoreOptions store_options;
  // Closes the store (cleanly) and opens it again on the same dir and env.
  void Reopen();
  // Drops the store without any cleanup beyond RocksDB's own close.
  void Close();
  void OpenStore();

  OpId Op() { return OpId{kSession, ++seq_}; }
  std::vector<FsckFinding> FsckNow();

  // Helpers that assert success and return the new inode. They create as
  // root, then give the inode to `owner` (uid and gid).
  Ino MkdirOk(Ino parent, const std::string& name, uint32_t mode = 0755, const Caller& owner = Caller{});
  // Creates, writes `data` (if any) and releases.
  Ino FileOk(Ino parent, const std::string& name, const std::string& data = "", uint32_t mode = 0644,
             const Caller& owner = Caller{});
  void GiveTo(Ino ino, const Caller& owner);
  Attr AttrOk(Ino ino);
  std::string ReadAll(Ino ino);
  uint64_t OpenOk(Ino ino, uint32_t flags, const Caller& c = Caller{});

  static constexpr uint64_t kSession = 7;
  Caller root;
  Caller alice{1000, 1000, {}};
  Caller bob{1001, 1001, {}};
  Volume* v = nullptr;
  std::unique_ptr<Store> store;
  std::unique_ptr<rpuffs::testing::TempDir> dir;
  std::unique_ptr<rocksdb::Env> mem_env;

 private:
  uint64_t seq_ = 0;
};

std::string BackendName(const ::testing::TestParamInfo<Backend>& info);

#define STORAGE_SUITE(Fixture)                                                                        \
  INSTANTIATE_TEST_SUITE_P(Backends, Fixture,                                                         \
                           ::testing::Values(::rpuffs::storage::testing::Backend::kDisk,              \
                                             ::rpuffs::storage::testing::Backend::kMem),              \
                           ::rpuffs::storage::testing::BackendName)

// SetAttrIn with one field set.
SetAttrIn SetMode(uint32_t mode);
SetAttrIn SetUid(uint32_t uid);
SetAttrIn SetGid(uint32_t gid);
SetAttrIn SetSize(uint64_t size);

}  // namespace rpuffs::storage::testing

namespace rpuffs::storage {
bool operator==(const Timespec& a, const Timespec& b);
bool operator<(const Timespec& a, const Timespec& b);
}  // namespace rpuffs::storage
