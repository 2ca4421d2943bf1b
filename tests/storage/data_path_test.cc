// The data path: partial writes stored as block patches over blocks in the
// memtable, in blob files and after compaction; block accounting for sparse
// files and space reserved past EOF; volumes whose blobs earlier versions
// wrote with LZ4.
#include <fcntl.h>
#include <linux/falloc.h>
#include <rocksdb/db.h>
#include <rocksdb/convenience.h>
#include <rocksdb/merge_operator.h>

#include <chrono>
#include <cstdio>
#include <thread>
#include <filesystem>
#include <fstream>

#include "storage/block_patch.h"
#include "storage/volume_internal.h"
#include "tests/storage/volume_fixture.h"

namespace rpuffs::storage::testing {
namespace {

class DataPathTest : public VolumeTest {
 protected:
  // Writes `data` at `offset` and mirrors it into `model`.
  void WriteBoth(Ino f, std::string* model, uint64_t offset, const std::string& data) {
    auto w = v->Write(Op(), root, f, offset, data, false);
    ASSERT_TRUE(w.ok()) << w.err();
    if (model->size() < offset + data.size()) model->resize(offset + data.size(), '\0');
    model->replace(offset, data.size(), data);
  }
  uint64_t BlocksOf(Ino f) { return AttrOk(f).blocks / (65536 / 512); }
};
STORAGE_SUITE(DataPathTest);

std::string Bytes(size_t n, int seed) {
  std::string s(n, '\0');
  for (size_t i = 0; i < n; ++i) s[i] = static_cast<char>((i * 131 + seed * 17) % 251);
  return s;
}

TEST_P(DataPathTest, PartialWritesReadBackAcrossFlushCompactionAndReopen) {
  std::vector<Ino> files;
  std::vector<std::string> models(6);
  for (int i = 0; i < 6; ++i) {
    files.push_back(FileOk(kRootIno, "f" + std::to_string(i)));
    // Sizes that shrink from file to file: the iterator behind Fsck and
    // ReadAll merges many keys in a row.
    WriteBoth(files[i], &models[i], 0, Bytes(200000 - 30000 * i, i));
  }
  ASSERT_TRUE(internal::FlushAndCompact(v).ok());
  const uint64_t offsets[] = {0, 4096, 65530, 131072 + 100, 70000};
  for (int i = 0; i < 6; ++i) {
    for (uint64_t off : offsets) WriteBoth(files[i], &models[i], off + i, Bytes(4096, i + 40));
  }
  for (int i = 0; i < 6; ++i) EXPECT_TRUE(ReadAll(files[i]) == models[i]) << "memtable, file " << i;
  ASSERT_TRUE(internal::FlushAndCompact(v).ok());
  for (int i = 0; i < 6; ++i) EXPECT_TRUE(ReadAll(files[i]) == models[i]) << "compacted, file " << i;
  // Patches over patches, then a reopen that replays them from the WAL.
  for (int i = 0; i < 6; ++i) WriteBoth(files[i], &models[i], 10, Bytes(100, i + 80));
  Reopen();
  for (int i = 0; i < 6; ++i) EXPECT_TRUE(ReadAll(files[i]) == models[i]) << "reopened, file " << i;
  EXPECT_TRUE(FsckNow().empty());
}

// More patches of one block than the memtable keeps (max_successive_merges),
// before and after a flush: the write folds them into a whole block.
TEST_P(DataPathTest, ManyPatchesOfOneBlockReadBack) {
  std::string model;
  Ino f = FileOk(kRootIno, "f");
  WriteBoth(f, &model, 0, Bytes(100000, 1));
  for (int i = 0; i < 100; ++i) WriteBoth(f, &model, (i * 997) % 60000, Bytes(512, i));
  EXPECT_TRUE(ReadAll(f) == model);
  ASSERT_TRUE(internal::FlushAndCompact(v).ok());
  for (int i = 0; i < 100; ++i) WriteBoth(f, &model, (i * 613) % 90000, Bytes(700, i + 3));
  EXPECT_TRUE(ReadAll(f) == model);
  EXPECT_EQ(BlocksOf(f), 2u);
}

TEST_P(DataPathTest, TruncateThenPatchSeesNoOldBytes) {
  std::string model;
  Ino f = FileOk(kRootIno, "f");
  WriteBoth(f, &model, 0, Bytes(150000, 1));
  ASSERT_TRUE(internal::FlushAndCompact(v).ok());
  ASSERT_TRUE(v->SetAttr(Op(), root, f, SetSize(1000)).ok());
  model.resize(1000);
  WriteBoth(f, &model, 66000, Bytes(10, 2));  // a patch on a block the truncate deleted
  WriteBoth(f, &model, 500, Bytes(10, 3));    // and on the shortened block
  EXPECT_TRUE(ReadAll(f) == model);
  ASSERT_TRUE(internal::FlushAndCompact(v).ok());
  EXPECT_TRUE(ReadAll(f) == model);
  EXPECT_EQ(AttrOk(f).size, 66010u);
}

TEST_P(DataPathTest, SparseFilesCountOnlyNewBlocks) {
  std::string model;
  Ino f = FileOk(kRootIno, "f");
  WriteBoth(f, &model, 0, Bytes(100, 1));
  WriteBoth(f, &model, 5 * 65536 + 7, Bytes(100, 2));  // blocks 1-4 are holes
  EXPECT_EQ(BlocksOf(f), 2u);
  WriteBoth(f, &model, 2 * 65536 + 1, Bytes(4096, 3));  // into a hole
  WriteBoth(f, &model, 50, Bytes(4096, 4));             // into a stored block
  EXPECT_EQ(BlocksOf(f), 3u);
  EXPECT_TRUE(ReadAll(f) == model);
}

TEST_P(DataPathTest, SpaceReservedPastEofIsNotCountedTwice) {
  std::string model;
  Ino f = FileOk(kRootIno, "f");
  WriteBoth(f, &model, 0, Bytes(2 * 65536, 1));
  // Two more blocks reserved past EOF: as many blocks stored as the size
  // covers would be, yet block 1 below EOF is punched out.
  ASSERT_TRUE(v->Fallocate(Op(), root, f, FALLOC_FL_KEEP_SIZE, 2 * 65536, 65536).ok());
  ASSERT_TRUE(v->Fallocate(Op(), root, f, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 65536, 65536).ok());
  model.replace(65536, 65536, std::string(65536, '\0'));
  ASSERT_EQ(BlocksOf(f), 2u);
  WriteBoth(f, &model, 65536 + 10, Bytes(100, 2));  // the punched block comes back
  EXPECT_EQ(BlocksOf(f), 3u);
  WriteBoth(f, &model, 2 * 65536 + 10, Bytes(100, 3));  // the reserved block fills
  EXPECT_EQ(BlocksOf(f), 3u);
  EXPECT_TRUE(ReadAll(f) == model);
}

// Reads of every alignment over holes between blocks, blocks shorter than
// the block size (a hole inside a block) and the end of file, from the
// memtable and from blob files: each is the model's bytes, zeros in holes.
TEST_P(DataPathTest, ReadsAcrossHolesAndShortBlocksMatchTheModel) {
  std::string model;
  Ino f = FileOk(kRootIno, "f");
  WriteBoth(f, &model, 100, Bytes(1000, 1));             // block 0: 1100 bytes stored
  WriteBoth(f, &model, 2 * 65536 + 5, Bytes(70000, 2));  // blocks 2-3, block 1 a hole
  WriteBoth(f, &model, 6 * 65536 - 7, Bytes(20, 3));     // blocks 5-6, block 4 a hole
  const uint64_t offsets[] = {0, 99, 100, 1099, 1100, 65535, 65536, 131072 + 4, 200000, 6 * 65536 - 8};
  const uint32_t sizes[] = {1, 100, 4096, 65536, 300000, kMaxIo};
  for (int round = 0; round < 2; ++round) {
    for (uint64_t off : offsets) {
      for (uint32_t n : sizes) {
        auto r = v->Read(f, off, n);
        ASSERT_TRUE(r.ok()) << r.err();
        std::string want = off >= model.size() ? "" : model.substr(off, n);
        ASSERT_TRUE(r.value() == want) << "round " << round << " offset " << off << " size " << n;
      }
    }
    ASSERT_TRUE(internal::FlushAndCompact(v).ok());
  }
}

// Writes of up to 1 MiB, aligned or not, in one batch each (whole blocks,
// patches at both ends, the inode and the retry record after them): read
// back, answered again unchanged on a retry, and replayed from the WAL.
TEST_P(DataPathTest, LargeWritesAtAnyOffsetReadBackRetryAndReplay) {
  std::string model;
  Ino f = FileOk(kRootIno, "f");
  const uint64_t offsets[] = {0, 1 << 20, (2 << 20) + 4095, 5000, (3 << 20) + 65536};
  const size_t sizes[] = {kMaxIo, kMaxIo, kMaxIo - 1, 4097, 3 * 65536};
  for (int i = 0; i < 5; ++i) {
    OpId op = Op();
    std::string data = Bytes(sizes[i], i + 20);
    auto w = v->Write(op, root, f, offsets[i], data, false);
    ASSERT_TRUE(w.ok()) << w.err();
    ASSERT_EQ(w->count, sizes[i]);
    auto again = v->Write(op, root, f, offsets[i], Bytes(sizes[i], 99), false);  // a retry: not applied twice
    ASSERT_TRUE(again.ok()) << again.err();
    EXPECT_EQ(again->count, sizes[i]);
    EXPECT_EQ(again->attr.size, w->attr.size);
    if (model.size() < offsets[i] + data.size()) model.resize(offsets[i] + data.size(), '\0');
    model.replace(offsets[i], data.size(), data);
  }
  EXPECT_TRUE(ReadAll(f) == model);
  Reopen();
  EXPECT_TRUE(ReadAll(f) == model);
  EXPECT_EQ(AttrOk(f).size, model.size());
}

// Volumes written before blobs were stored uncompressed have LZ4 blob files;
// each blob file records its compression, so they keep reading (and taking
// patches). Disk only: the blob file header is read from the real file.
TEST_P(DataPathTest, BlocksInLz4BlobFilesStillRead) {
  if (GetParam() != Backend::kDisk) GTEST_SKIP() << "reads blob files from disk";
  std::string model;
  Ino f = FileOk(kRootIno, "f");
  WriteBoth(f, &model, 0, Bytes(300000, 5));
  Close();
  const std::string path = dir->Sub("data") + "/volumes/default";
  {
    // Rewrite every block as RocksDB did with the old options.
    rocksdb::DBOptions db_options;
    rocksdb::ColumnFamilyOptions meta, data;
    rocksdb::MergeOperator::CreateFromString(rocksdb::ConfigOptions(), "uint64add", &meta.merge_operator);
    data.merge_operator = NewBlockPatchOperator();  // the last block was written as a patch
    data.enable_blob_files = true;
    data.min_blob_size = 4096;
    data.blob_compression_type = rocksdb::kLZ4Compression;
    std::vector<rocksdb::ColumnFamilyHandle*> handles;
    rocksdb::DB* raw = nullptr;
    ASSERT_TRUE(rocksdb::DB::Open(db_options, path, {{rocksdb::kDefaultColumnFamilyName, meta}, {"data", data}},
                                  &handles, &raw)
                    .ok());
    std::unique_ptr<rocksdb::Iterator> it(raw->NewIterator(rocksdb::ReadOptions(), handles[1]));
    int rewritten = 0;
    for (it->SeekToFirst(); it->Valid(); it->Next(), ++rewritten)
      ASSERT_TRUE(raw->Put(rocksdb::WriteOptions(), handles[1], it->key(), it->value()).ok());
    ASSERT_TRUE(it->status().ok()) << it->status().ToString();
    it.reset();
    EXPECT_EQ(rewritten, 5);
    ASSERT_TRUE(raw->Flush(rocksdb::FlushOptions(), handles[1]).ok());
    for (auto* h : handles) ASSERT_TRUE(raw->DestroyColumnFamilyHandle(h).ok());
    ASSERT_TRUE(raw->Close().ok());
    delete raw;
  }
  int lz4_files = 0;
  for (const auto& e : std::filesystem::directory_iterator(path)) {
    if (e.path().extension() != ".blob") continue;
    std::ifstream in(e.path(), std::ios::binary);
    char header[14] = {};
    in.read(header, sizeof header);
    if (header[13] == rocksdb::kLZ4Compression) ++lz4_files;  // BlobLogHeader: compression at byte 13
  }
  ASSERT_GE(lz4_files, 1);
  OpenStore();
  EXPECT_TRUE(ReadAll(f) == model);
  WriteBoth(f, &model, 65536 + 3, Bytes(4096, 6));
  ASSERT_TRUE(internal::FlushAndCompact(v).ok());
  EXPECT_TRUE(ReadAll(f) == model);
}

// On a disk, flushes and compactions write their files with O_DIRECT (the
// second copy of file data stays out of the page cache); what they wrote
// reads back through buffered reads, before and after a reopen. An Env of
// RocksDB's own (MemEnv) keeps buffered writes.
TEST_P(DataPathTest, FlushesWriteWithDirectIoOnDiskAndReadBack) {
  EXPECT_EQ(internal::FlushesWithDirectIo(v), GetParam() == Backend::kDisk);
  std::string model;
  Ino f = FileOk(kRootIno, "f");
  for (int i = 0; i < 4; ++i) WriteBoth(f, &model, uint64_t{1048576} * i, Bytes(i < 3 ? 1048576 : 12345, 7 + i));
  ASSERT_TRUE(internal::FlushAndCompact(v).ok());
  WriteBoth(f, &model, 100000, Bytes(70000, 8));
  ASSERT_TRUE(internal::FlushAndCompact(v).ok());
  EXPECT_TRUE(ReadAll(f) == model);
  Reopen();
  EXPECT_TRUE(ReadAll(f) == model);
  EXPECT_EQ(AttrOk(f).size, model.size());
}

}  // namespace
}  // namespace rpuffs::storage::testing

namespace rpuffs::storage::testing {
namespace {

uint64_t WalBytes(const std::string& volume_dir) {
  uint64_t total = 0;
  for (const auto& e : std::filesystem::directory_iterator(volume_dir)) {
    if (e.path().extension() == ".log") total += e.file_size();
  }
  return total;
}

// A long write of one file fills the data family's memtables while the meta
// family's stays nearly empty; its WAL files must not pile up waiting for a
// meta flush (by RocksDB's default they did, up to 1.5 GiB: twice the data
// on disk, and all of it replayed after a crash).
TEST_P(DataPathTest, WalFilesStayBoundedWhileOneFileIsWritten) {
  if (GetParam() != Backend::kDisk) GTEST_SKIP() << "counts WAL files on disk";
  const std::string path = dir->Sub("data") + "/volumes/default";
  const Ino f = FileOk(kRootIno, "big");
  const std::string piece(1 << 20, 'w');
  constexpr uint64_t kWritten = 640;  // MiB
  for (uint64_t i = 0; i < kWritten; ++i) {
    auto w = v->Write(Op(), root, f, i << 20, piece, false);
    ASSERT_TRUE(w.ok()) << w.err();
  }
  // Obsolete WAL files go once their flushes are done (background work).
  uint64_t wal = WalBytes(path);
  for (int i = 0; i < 200 && wal > (448u << 20); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    wal = WalBytes(path);
  }
  EXPECT_LE(wal, 448u << 20) << "WAL bytes after writing " << kWritten << " MiB";
  EXPECT_EQ(AttrOk(f).size, kWritten << 20);
}

}  // namespace
}  // namespace rpuffs::storage::testing
