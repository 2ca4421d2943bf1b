// mkdir/rmdir/readdir: errno rules, directory link counts, big directories.
#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>
#include <ostream>
#include <string>
#include <vector>

#include "tests/posix/posix_fixture.h"

namespace rpuffs::posix {
namespace {

using DirTest = PosixTest;

constexpr int kBigDirEntries = 2000;

std::string EntryName(int i) { return "entry-" + std::to_string(i); }

void FillDir(const std::string& dir, int count) {
  for (int i = 0; i < count; ++i) {
    Fd fd = Open(dir + "/" + EntryName(i), O_WRONLY | O_CREAT | O_EXCL);
    ASSERT_TRUE(fd.ok()) << EntryName(i) << ": " << strerror(errno);
  }
}

TEST_F(DirTest, MkdirMakesAnEmptyDirectoryWithTheRequestedMode) {
  mode_t old = umask(0);
  int err = ErrnoOf(mkdir(Path("d").c_str(), 0751));
  umask(old);
  ASSERT_EQ(err, 0);
  struct stat st = StatOf(Path("d"));
  EXPECT_TRUE(S_ISDIR(st.st_mode));
  EXPECT_EQ(st.st_mode & 07777, 0751u);
  EXPECT_EQ(st.st_nlink, 2u);
  EXPECT_TRUE(ListDir(Path("d")).empty());
}

TEST_F(DirTest, ReaddirListsDotAndDotDot) {
  ASSERT_EQ(ErrnoOf(mkdir(Path("d").c_str(), 0755)), 0);
  DIR* d = opendir(Path("d").c_str());
  ASSERT_NE(d, nullptr);
  int dots = 0, others = 0;
  while (dirent* e = readdir(d)) {
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) {
      ++dots;
    } else {
      ++others;
    }
  }
  closedir(d);
  EXPECT_EQ(dots, 2);
  EXPECT_EQ(others, 0);
}

TEST_F(DirTest, ReaddirReportsTypesAndInodesOfEntries) {
  ASSERT_TRUE(WriteFile(Path("file"), "x"));
  ASSERT_EQ(ErrnoOf(mkdir(Path("dir").c_str(), 0755)), 0);
  ASSERT_EQ(ErrnoOf(symlink("file", Path("link").c_str())), 0);
  ASSERT_EQ(ErrnoOf(mkfifo(Path("fifo").c_str(), 0644)), 0);
  const std::map<std::string, unsigned char> want{
      {"file", DT_REG}, {"dir", DT_DIR}, {"link", DT_LNK}, {"fifo", DT_FIFO}};
  DIR* d = opendir(dir_.c_str());
  ASSERT_NE(d, nullptr);
  int matched = 0;
  while (dirent* e = readdir(d)) {
    auto it = want.find(e->d_name);
    if (it == want.end()) continue;
    ++matched;
    EXPECT_EQ(e->d_type, it->second) << e->d_name;
    EXPECT_EQ(e->d_ino, LstatOf(Path(e->d_name)).st_ino) << e->d_name;
  }
  closedir(d);
  EXPECT_EQ(matched, 4);
}

TEST_F(DirTest, DotAndDotDotResolveToTheDirectoryAndItsParent) {
  ASSERT_EQ(ErrnoOf(mkdir(Path("d").c_str(), 0755)), 0);
  EXPECT_EQ(StatOf(Path("d/.")).st_ino, StatOf(Path("d")).st_ino);
  EXPECT_EQ(StatOf(Path("d/..")).st_ino, StatOf(dir_).st_ino);
  ASSERT_TRUE(WriteFile(Path("a"), "a"));
  ASSERT_TRUE(WriteFile(Path("b"), "b"));
  EXPECT_NE(StatOf(Path("a")).st_ino, StatOf(Path("b")).st_ino);
}

struct DirErrorCase {
  const char* name;
  enum Op { kMkdir, kRmdir } op;
  const char* path;  // the test dir holds file "f", empty dir "e", dir "full" with "full/x"
  int expected_errno;
};

// gtest prints a failing case by its name rather than its bytes.
void PrintTo(const DirErrorCase& c, std::ostream* os) { *os << c.name; }

class DirErrorTest : public PosixTest, public ::testing::WithParamInterface<DirErrorCase> {};

TEST_P(DirErrorTest, FailsWithTheExpectedErrno) {
  const DirErrorCase& c = GetParam();
  ASSERT_TRUE(WriteFile(Path("f"), "x"));
  ASSERT_EQ(ErrnoOf(mkdir(Path("e").c_str(), 0755)), 0);
  ASSERT_EQ(ErrnoOf(mkdir(Path("full").c_str(), 0755)), 0);
  ASSERT_TRUE(WriteFile(Path("full/x"), "x"));
  int rc = c.op == DirErrorCase::kMkdir ? mkdir(Path(c.path).c_str(), 0755) : rmdir(Path(c.path).c_str());
  EXPECT_EQ(ErrnoOf(rc), c.expected_errno) << c.name << ": got " << strerror(errno);
  // Nothing the failed call touched changed.
  EXPECT_EQ(ListDir(Path("full")).size(), 1u);
  EXPECT_TRUE(S_ISDIR(StatOf(Path("e")).st_mode));
}

INSTANTIATE_TEST_SUITE_P(
    Table, DirErrorTest,
    ::testing::Values(DirErrorCase{"MkdirOverDirEEXIST", DirErrorCase::kMkdir, "e", EEXIST},
                      DirErrorCase{"MkdirOverFileEEXIST", DirErrorCase::kMkdir, "f", EEXIST},
                      DirErrorCase{"MkdirUnderFileENOTDIR", DirErrorCase::kMkdir, "f/sub", ENOTDIR},
                      DirErrorCase{"MkdirUnderMissingENOENT", DirErrorCase::kMkdir, "missing/sub", ENOENT},
                      DirErrorCase{"RmdirNonEmptyENOTEMPTY", DirErrorCase::kRmdir, "full", ENOTEMPTY},
                      DirErrorCase{"RmdirOfFileENOTDIR", DirErrorCase::kRmdir, "f", ENOTDIR},
                      DirErrorCase{"RmdirMissingENOENT", DirErrorCase::kRmdir, "missing", ENOENT},
                      DirErrorCase{"RmdirDotEINVAL", DirErrorCase::kRmdir, "e/.", EINVAL},
                      DirErrorCase{"RmdirDotDotENOTEMPTY", DirErrorCase::kRmdir, "e/..", ENOTEMPTY}),
    RowName());

TEST_F(DirTest, RmdirRemovesAnEmptyDirectory) {
  ASSERT_EQ(ErrnoOf(mkdir(Path("d").c_str(), 0755)), 0);
  ASSERT_EQ(ErrnoOf(rmdir(Path("d").c_str())), 0);
  struct stat st;
  EXPECT_EQ(ErrnoOf(stat(Path("d").c_str(), &st)), ENOENT);
  EXPECT_TRUE(ListDir(dir_).empty());
}

TEST_F(DirTest, DirectoryLinkCountIsTwoPlusSubdirectories) {
  ASSERT_EQ(ErrnoOf(mkdir(Path("p").c_str(), 0755)), 0);
  EXPECT_EQ(StatOf(Path("p")).st_nlink, 2u);
  for (int i = 0; i < 5; ++i) {
    ASSERT_EQ(ErrnoOf(mkdir(Path("p/sub" + std::to_string(i)).c_str(), 0755)), 0);
  }
  ASSERT_TRUE(WriteFile(Path("p/file"), "x"));  // files do not count
  EXPECT_EQ(StatOf(Path("p")).st_nlink, 7u);
  ASSERT_EQ(ErrnoOf(rmdir(Path("p/sub0").c_str())), 0);
  ASSERT_EQ(ErrnoOf(rmdir(Path("p/sub1").c_str())), 0);
  EXPECT_EQ(StatOf(Path("p")).st_nlink, 5u);
  EXPECT_EQ(StatOf(Path("p/sub2")).st_nlink, 2u);
}

TEST_F(DirTest, BigDirectoryListsEveryNameExactlyOnce) {
  ASSERT_NO_FATAL_FAILURE(FillDir(dir_, kBigDirEntries));
  std::map<std::string, int> seen;
  for (const std::string& n : ListDir(dir_)) ++seen[n];
  EXPECT_EQ(seen.size(), static_cast<size_t>(kBigDirEntries));
  for (int i = 0; i < kBigDirEntries; ++i) {
    auto it = seen.find(EntryName(i));
    if (it == seen.end()) {
      ADD_FAILURE() << EntryName(i) << " missing from readdir";
    } else if (it->second != 1) {
      ADD_FAILURE() << EntryName(i) << " listed " << it->second << " times";
    }
  }
}

TEST_F(DirTest, ReaddirWhileDeletingSeesEveryEntryOnceAndEmptiesTheDirectory) {
  ASSERT_EQ(ErrnoOf(mkdir(Path("big").c_str(), 0755)), 0);
  ASSERT_NO_FATAL_FAILURE(FillDir(Path("big"), kBigDirEntries));
  DIR* d = opendir(Path("big").c_str());
  ASSERT_NE(d, nullptr);
  std::map<std::string, int> seen;
  int unlink_errors = 0;
  // Every entry exists until readdir has returned it, so none may be skipped;
  // each is deleted right after, so none may come twice.
  while (dirent* e = readdir(d)) {
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
    if (++seen[e->d_name] == 1 && unlinkat(dirfd(d), e->d_name, 0) != 0) ++unlink_errors;
  }
  closedir(d);
  EXPECT_EQ(unlink_errors, 0);
  EXPECT_EQ(seen.size(), static_cast<size_t>(kBigDirEntries));
  int repeated = static_cast<int>(std::count_if(seen.begin(), seen.end(), [](auto& kv) { return kv.second > 1; }));
  EXPECT_EQ(repeated, 0);
  EXPECT_TRUE(ListDir(Path("big")).empty());
  EXPECT_EQ(ErrnoOf(rmdir(Path("big").c_str())), 0);
}

TEST_F(DirTest, ReaddirWhileCreatingSeesEveryOldEntryExactlyOnce) {
  ASSERT_EQ(ErrnoOf(mkdir(Path("big").c_str(), 0755)), 0);
  ASSERT_NO_FATAL_FAILURE(FillDir(Path("big"), kBigDirEntries));
  DIR* d = opendir(Path("big").c_str());
  ASSERT_NE(d, nullptr);
  std::map<std::string, int> seen;
  int created = 0;
  // New names may or may not show up, but never twice, and no old name may be
  // skipped or repeated.
  while (dirent* e = readdir(d)) {
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
    ++seen[e->d_name];
    if (created < kBigDirEntries / 2) {
      Fd fd(openat(dirfd(d), ("new-" + std::to_string(created++)).c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644));
      EXPECT_TRUE(fd.ok());
    }
  }
  closedir(d);
  int old_missing = 0, repeated = 0;
  for (int i = 0; i < kBigDirEntries; ++i) old_missing += seen.count(EntryName(i)) ? 0 : 1;
  for (auto& kv : seen) repeated += kv.second > 1 ? 1 : 0;
  EXPECT_EQ(old_missing, 0);
  EXPECT_EQ(repeated, 0);
  EXPECT_EQ(ListDir(Path("big")).size(), static_cast<size_t>(kBigDirEntries + created));
}

TEST_F(DirTest, SeekdirReturnsToATelldirPosition) {
  ASSERT_NO_FATAL_FAILURE(FillDir(dir_, 300));
  DIR* d = opendir(dir_.c_str());
  ASSERT_NE(d, nullptr);
  for (int i = 0; i < 150; ++i) ASSERT_NE(readdir(d), nullptr);
  const long mark = telldir(d);
  std::vector<std::string> first, second;
  while (dirent* e = readdir(d)) first.emplace_back(e->d_name);
  seekdir(d, mark);
  while (dirent* e = readdir(d)) second.emplace_back(e->d_name);
  closedir(d);
  EXPECT_EQ(first.size(), 152u);  // 302 entries with "." and "..", 150 read before the mark
  EXPECT_EQ(first, second);
}

TEST_F(DirTest, RewinddirStartsTheListingOver) {
  ASSERT_NO_FATAL_FAILURE(FillDir(dir_, 50));
  DIR* d = opendir(dir_.c_str());
  ASSERT_NE(d, nullptr);
  int first = 0, second = 0;
  while (readdir(d)) ++first;
  rewinddir(d);
  while (readdir(d)) ++second;
  closedir(d);
  EXPECT_EQ(first, 52);
  EXPECT_EQ(second, 52);
}

}  // namespace
}  // namespace rpuffs::posix
