// storage/crc32c.h: the CRC32c that rpuffsd gives RocksDB computes exactly
// what RocksDB's own code does (this executable links the shared librocksdb,
// whose rocksdb::crc32c is Debian's), and a volume written by a binary linked
// like rpuffsd, killed without closing, opens and verifies with stock
// RocksDB: WAL records, blob records and table blocks.
#include "storage/crc32c.h"

#include <gtest/gtest.h>
#include <rocksdb/convenience.h>
#include <rocksdb/db.h>
#include <sys/wait.h>

#include <memory>
#include <random>
#include <string>
#include <vector>

#include "storage/block_patch.h"
#include "storage/store.h"
#include "tests/storage/crc32c_content.h"
#include "tests/support/test_support.h"

// Debian's librocksdb.so exports these (util/crc32c.h is not installed).
namespace rocksdb::crc32c {
uint32_t Extend(uint32_t init_crc, const char* data, size_t n);
uint32_t Crc32cCombine(uint32_t crc1, uint32_t crc2, size_t crc2len);
std::string IsFastCrc32Supported();
}  // namespace rocksdb::crc32c

namespace rpuffs::storage::testing {
namespace {

namespace ours = rpuffs::storage::crc32c;
using rpuffs::testing::BinaryPath;
using rpuffs::testing::RunCommand;
using rpuffs::testing::TempDir;

std::string RandomBytes(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::string s(n, '\0');
  for (char& c : s) c = static_cast<char>(rng());
  return s;
}

TEST(Crc32cTest, KnownValues) {
  EXPECT_EQ(ours::Extend(0, "123456789", 9), 0xE3069283u);
  EXPECT_EQ(ours::Extend(0, std::string(32, '\0').data(), 32), 0x8A9136AAu);
  EXPECT_EQ(ours::Extend(0, std::string(32, '\xff').data(), 32), 0x62A8AB43u);
  EXPECT_EQ(ours::Extend(0x12345678, "", 0), 0x12345678u);
}

TEST(Crc32cTest, MatchesRocksDbOnEveryLengthAndAlignment) {
  // Every length up to past three lanes of 2 KiB, and large ones: the
  // three-lane loop, the 8-byte loop and the byte tail all run.
  const std::string data = RandomBytes((1 << 20) + 64, 1);
  std::vector<size_t> lengths;
  for (size_t n = 0; n <= 6200; n += (n < 300 ? 1 : 97)) lengths.push_back(n);
  for (size_t n : {6143, 6144, 6145, 12288, 12289, 32761, 65536 + 17, 1 << 20}) lengths.push_back(n);
  for (size_t n : lengths) {
    for (size_t offset : {0, 1, 3, 7, 8, 13}) {
      for (uint32_t init : {0u, 0xDEADBEEFu}) {
        if (offset + n > data.size()) continue;
        const char* p = data.data() + offset;
        uint32_t stock = rocksdb::crc32c::Extend(init, p, n);
        ASSERT_EQ(ours::Extend(init, p, n), stock) << "n=" << n << " offset=" << offset;
        ASSERT_EQ(ours::ExtendPortable(init, p, n), stock) << "n=" << n << " offset=" << offset;
      }
    }
  }
}

TEST(Crc32cTest, ExtendChainsAndCombineMatchesRocksDb) {
  const std::string data = RandomBytes(200000, 2);
  for (size_t split : {0, 1, 4095, 4096, 70001, 200000}) {
    uint32_t a = ours::Extend(0, data.data(), split);
    uint32_t b = ours::Extend(0, data.data() + split, data.size() - split);
    uint32_t whole = rocksdb::crc32c::Extend(0, data.data(), data.size());
    EXPECT_EQ(ours::Extend(a, data.data() + split, data.size() - split), whole) << split;
    EXPECT_EQ(ours::Combine(a, b, data.size() - split), whole) << split;
    EXPECT_EQ(rocksdb::crc32c::Crc32cCombine(a, b, data.size() - split), whole) << split;
  }
}

// Opens volume "default" of `dir` read-only with stock RocksDB, refusing any
// WAL record that does not verify, then checks every table block and reads
// every data value with checksums on (blob records are verified as read).
// Returns how many data values it read.
size_t VerifyWithStockRocksDb(const std::string& dir) {
  rocksdb::DBOptions options;
  options.wal_recovery_mode = rocksdb::WALRecoveryMode::kAbsoluteConsistency;
  options.paranoid_checks = true;
  rocksdb::ColumnFamilyOptions meta, data;
  rocksdb::MergeOperator::CreateFromString(rocksdb::ConfigOptions(), "uint64add", &meta.merge_operator);
  data.merge_operator = NewBlockPatchOperator();
  data.enable_blob_files = true;
  std::vector<rocksdb::ColumnFamilyDescriptor> cfs = {{rocksdb::kDefaultColumnFamilyName, meta}, {"data", data}};
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s = rocksdb::DB::OpenForReadOnly(options, dir + "/volumes/default", cfs, &handles, &raw);
  EXPECT_TRUE(s.ok()) << s.ToString();
  if (!s.ok()) return 0;
  std::unique_ptr<rocksdb::DB> db(raw);
  s = db->VerifyChecksum();
  EXPECT_TRUE(s.ok()) << s.ToString();
  size_t values = 0;
  {
    rocksdb::ReadOptions ro;
    ro.verify_checksums = true;
    ro.fill_cache = false;
    std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(ro, handles[1]));
    for (it->SeekToFirst(); it->Valid(); it->Next()) values += it->value().size() > 0 ? 1 : 0;
    EXPECT_TRUE(it->status().ok()) << it->status().ToString();
  }
  for (auto* h : handles) db->DestroyColumnFamilyHandle(h);
  EXPECT_TRUE(db->Close().ok());
  return values;
}

TEST(Crc32cTest, VolumeWrittenWithItVerifiesWithStockRocksDb) {
  TempDir dir("rpuffs-crc32c");
  std::string output;
  int status = RunCommand({BinaryPath("tests/storage/storage_crc32c_writer"), dir.Sub("data")}, &output,
                          std::chrono::seconds(120));
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status << ": " << output;
  ASSERT_NE(output.find("done"), std::string::npos) << output;
  // The writer's RocksDB ran on our CRC, not its own (the string is ours).
  EXPECT_NE(output.find("(rpuffs "), std::string::npos) << output;
  EXPECT_EQ(rocksdb::crc32c::IsFastCrc32Supported().find("rpuffs"), std::string::npos);

  // Blocks of 64 KiB: at least one value per block of every file.
  size_t min_blocks = 0;
  for (int i = 0; i < kCrcFlushedFiles; ++i) min_blocks += CrcContent("flushed" + std::to_string(i), i).size() >> 16;
  for (int i = 0; i < kCrcWalFiles; ++i) min_blocks += CrcContent("wal" + std::to_string(i), i).size() >> 16;
  EXPECT_GE(VerifyWithStockRocksDb(dir.Sub("data")), min_blocks);

  auto store = Store::Open(dir.Sub("data"));
  ASSERT_TRUE(store.ok()) << store.status().message();
  Volume* v = store.value()->Find("default");
  auto findings = Fsck(v);
  ASSERT_TRUE(findings.ok());
  for (const auto& f : findings.value()) ADD_FAILURE() << f.kind << " " << f.detail;
  auto check = [&](const std::string& name, uint64_t i) {
    auto a = v->Lookup(Caller{}, kRootIno, name);
    ASSERT_TRUE(a.ok()) << name;
    std::string want = CrcExpected(name, i), got;
    while (got.size() < want.size()) {
      auto r = v->Read(a->ino, got.size(), kMaxIo);
      ASSERT_TRUE(r.ok() && !r->empty()) << name;
      got += r.value();
    }
    EXPECT_TRUE(got == want) << name;
  };
  for (int i = 0; i < kCrcFlushedFiles; ++i) check("flushed" + std::to_string(i), i);
  for (int i = 0; i < kCrcWalFiles; ++i) check("wal" + std::to_string(i), i);
}

}  // namespace
}  // namespace rpuffs::storage::testing
