// A volume on a real filesystem that fills up: a small tmpfs mounted for the
// test (root only; skipped otherwise). File data is refused with ENOSPC
// before RocksDB meets the full disk, nothing written earlier is lost,
// deletes and metadata keep working, the space of removed files comes back,
// and RocksDB writes no LOG file into the volume directory (a failed append
// to it once aborted the whole server).
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "storage/disk_room.h"
#include "storage/store.h"
#include "tests/support/test_support.h"

namespace rpuffs::storage {
namespace {

using rpuffs::testing::TempDir;

constexpr uint64_t kMiB = 1 << 20;

class FullDiskTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (geteuid() != 0) GTEST_SKIP() << "mounting a tmpfs needs root";
    dir_ = std::make_unique<TempDir>("rpuffs-full-disk");
    mnt_ = dir_->Sub("fs");
    ASSERT_EQ(mkdir(mnt_.c_str(), 0755), 0) << std::strerror(errno);
    if (mount("tmpfs", mnt_.c_str(), "tmpfs", 0, "size=192m") != 0) {
      GTEST_SKIP() << "cannot mount a tmpfs: " << std::strerror(errno);
    }
    mounted_ = true;
    Open();
  }

  void TearDown() override {
    store_.reset();
    if (mounted_) umount2(mnt_.c_str(), MNT_DETACH);
  }

  void Open() {
    auto s = Store::Open(mnt_ + "/data");
    ASSERT_TRUE(s.ok()) << s.status().message();
    store_ = std::move(s).value();
    v_ = store_->Find("default");
    ASSERT_NE(v_, nullptr);
  }

  Ino NewFile(const std::string& name) {
    auto c = v_->Create(OpId{}, Caller{}, kRootIno, name, 0644, O_CREAT | O_EXCL | O_WRONLY);
    EXPECT_TRUE(c.ok()) << name << ": " << std::strerror(c.err());
    return c.ok() ? c->attr.ino : 0;
  }

  // Writes 1 MiB pieces to `ino` until a write fails (or `limit` is reached);
  // returns the bytes written and the failing write's errno in *err.
  uint64_t Fill(Ino ino, uint64_t limit, int* err) {
    const std::string piece(kMiB, 'f');
    uint64_t off = 0;
    *err = 0;
    while (off < limit) {
      auto w = v_->Write(OpId{}, Caller{}, ino, off, piece, false);
      if (!w.ok()) {
        *err = w.err();
        break;
      }
      off += kMiB;
    }
    return off;
  }

  uint64_t DiskFree() const {
    struct statvfs fs {};
    EXPECT_EQ(statvfs(mnt_.c_str(), &fs), 0);
    return static_cast<uint64_t>(fs.f_bavail) * fs.f_frsize;
  }

  std::unique_ptr<TempDir> dir_;
  std::string mnt_;
  bool mounted_ = false;
  std::unique_ptr<Store> store_;
  Volume* v_ = nullptr;
};

TEST_F(FullDiskTest, FileDataIsRefusedWithENOSPCAndNothingIsLost) {
  // statfs does not offer RocksDB's headroom (the memtables are near empty
  // here, so little else is held back).
  auto st = v_->Statfs();
  ASSERT_TRUE(st.ok());
  const uint64_t offered = st->bavail * st->bsize;
  const uint64_t free_now = DiskFree();
  EXPECT_LE(offered + DiskRoom::kReserve, free_now + kMiB);
  EXPECT_GE(offered + DiskRoom::kReserve + 8 * kMiB, free_now);

  Ino keep = NewFile("keep");
  ASSERT_TRUE(v_->Write(OpId{}, Caller{}, keep, 0, "precious", false).ok());
  ASSERT_TRUE(v_->Fsync(keep).ok());

  Ino big = NewFile("big");
  int err = 0;
  uint64_t written = Fill(big, 1024 * kMiB, &err);
  EXPECT_EQ(err, ENOSPC) << std::strerror(err);
  EXPECT_GE(written, 8 * kMiB);
  // Refused while RocksDB still had its headroom.
  EXPECT_GE(DiskFree(), DiskRoom::kReserve / 2);

  // What was written before the refusal is there, and the volume still works.
  auto r = v_->Read(keep, 0, 100);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value(), "precious");
  auto tail = v_->Read(big, written - kMiB, kMiB);
  ASSERT_TRUE(tail.ok());
  EXPECT_EQ(tail.value(), std::string(kMiB, 'f'));
  EXPECT_TRUE(v_->Mkdir(OpId{}, Caller{}, kRootIno, "dir", 0755).ok());
  EXPECT_TRUE(v_->Fsync(keep).ok());

  // RocksDB's info log is not a file in the volume directory.
  for (const auto& entry : std::filesystem::recursive_directory_iterator(mnt_ + "/data")) {
    EXPECT_NE(entry.path().filename().string().rfind("LOG", 0), 0u) << entry.path();
  }

  // Reopened, the volume has everything.
  store_.reset();
  Open();
  auto l = v_->Lookup(Caller{}, kRootIno, "keep");
  ASSERT_TRUE(l.ok());
  auto again = v_->Read(l->ino, 0, 100);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again.value(), "precious");
  EXPECT_TRUE(v_->Lookup(Caller{}, kRootIno, "dir").ok());
}

TEST_F(FullDiskTest, RemovingFilesGivesTheSpaceBack) {
  Ino big = NewFile("big");
  int err = 0;
  uint64_t written = Fill(big, 1024 * kMiB, &err);
  ASSERT_EQ(err, ENOSPC) << std::strerror(err);
  ASSERT_TRUE(v_->Unlink(OpId{}, Caller{}, kRootIno, "big").ok());

  // Flushes and compactions give the removed file's space back (the refused
  // writes start them); a bounded wait, not a timing target. Each try writes
  // the new file from its start.
  Ino next = NewFile("next");
  uint64_t again = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (std::chrono::steady_clock::now() < deadline) {
    again = Fill(next, written / 2, &err);
    if (again >= written / 2) break;
    ASSERT_EQ(err, ENOSPC) << std::strerror(err);
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  EXPECT_GE(again, written / 2);
}

}  // namespace
}  // namespace rpuffs::storage
