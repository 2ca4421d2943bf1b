// Concurrency stress: 8 threads of random create/link/rename/unlink/mkdir/
// rmdir/write/truncate in 3 shared directories (and their subdirectories), then every
// invariant: fsck clean, statfs counts equal what a walk finds, nlinks match.
#include <fcntl.h>

#include <cerrno>
#include <iostream>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <thread>

#include "storage/volume_impl.h"
#include "tests/storage/volume_fixture.h"

namespace rpuffs::storage::testing {
namespace {

constexpr int kThreads = 8;
constexpr int kOpsPerThread = 2500;
constexpr int kNames = 24;

class StressTest : public VolumeTest {
 protected:
  // Each thread's random walk. Returns unexpected errnos (should be none).
  std::vector<std::string> Run(int thread, const std::vector<Ino>& shared);
  // Walks the tree: counts inodes and dentries per inode.
  void Walk(Ino dir, std::map<Ino, uint32_t>* links, int depth);
  std::mutex mu_;
  std::map<std::string, int> successes_;
};
STORAGE_SUITE(StressTest);

std::vector<std::string> StressTest::Run(int thread, const std::vector<Ino>& shared) {
  std::mt19937 rng(1234 + thread);
  auto pick = [&](int n) { return static_cast<int>(rng() % n); };
  auto name = [&] { return "n" + std::to_string(pick(kNames)); };
  auto parent = [&]() -> Ino {
    Ino p = shared[pick(shared.size())];
    if (pick(4) == 0) {  // sometimes one level down, if that name is a directory
      auto sub = v->Lookup(root, p, name());
      if (sub.ok() && S_ISDIR(sub->mode)) p = sub->ino;
    }
    return p;
  };
  std::vector<std::string> unexpected;
  const std::set<int> fine = {0, ENOENT, EEXIST, ENOTEMPTY, EISDIR, ENOTDIR, EINVAL, ESTALE};
  OpId op{static_cast<uint64_t>(100 + thread), 0};
  for (int i = 0; i < kOpsPerThread; ++i) {
    op.seq = (pick(2) == 0) ? 0 : i + 1;  // half the ops record retry outcomes
    int err = 0;
    const char* what = "";
    switch (pick(9)) {
      case 0: {
        what = "create";
        auto r = v->Create(op, root, parent(), name(), 0644, O_CREAT | O_RDWR);
        err = r.err();
        if (r.ok() && !v->Release(op.session, r->fh, false).ok()) err = EBADF;
        break;
      }
      case 1: what = "mkdir"; err = v->Mkdir(op, root, parent(), name(), 0755).err(); break;
      case 2: what = "unlink"; err = v->Unlink(op, root, parent(), name()).err(); break;
      case 3: what = "rmdir"; err = v->Rmdir(op, root, parent(), name()).err(); break;
      case 4: {
        what = "link";
        auto src = v->Lookup(root, parent(), name());
        err = src.ok() ? v->Link(op, root, src->ino, parent(), name()).err() : src.err();
        if (src.ok() && S_ISDIR(src->mode) && err == EPERM) err = 0;
        break;
      }
      case 5: {
        what = "write";
        auto f = v->Lookup(root, parent(), name());
        std::string data(1 + pick(100000), static_cast<char>('a' + pick(26)));
        err = f.ok() ? v->Write(op, root, f->ino, pick(200000), data, pick(4) == 0).err() : f.err();
        break;
      }
      case 6: {
        what = "truncate";
        auto f = v->Lookup(root, parent(), name());
        err = f.ok() ? v->SetAttr(op, root, f->ino, SetSize(pick(150000))).err() : f.err();
        break;
      }
      default:
        what = "rename";
        err = v->Rename(op, root, parent(), name(), parent(), name(), pick(5) == 0 ? kRenameExchange : 0).err();
        break;
    }
    if (fine.count(err) == 0) unexpected.push_back(std::string(what) + " errno " + std::to_string(err));
    if (err == 0) {
      std::lock_guard<std::mutex> lock(mu_);
      successes_[what]++;
    }
  }
  return unexpected;
}

void StressTest::Walk(Ino dir, std::map<Ino, uint32_t>* links, int depth) {
  ASSERT_LT(depth, 64);
  uint64_t cookie = 0;
  for (int page = 0; page < 1000; ++page) {
    auto r = v->Readdir(root, dir, cookie, 128, false);
    ASSERT_TRUE(r.ok());
    for (const auto& e : r->entries) {
      cookie = e.offset;
      if (e.name == "." || e.name == "..") continue;
      (*links)[e.ino]++;
      if (e.type == S_IFDIR) Walk(e.ino, links, depth + 1);
    }
    if (r->eof) return;
  }
}

TEST_P(StressTest, SharedDirectoriesKeepEveryInvariant) {
  std::vector<Ino> shared = {MkdirOk(kRootIno, "s0"), MkdirOk(kRootIno, "s1"), MkdirOk(kRootIno, "s2")};
  std::vector<std::vector<std::string>> unexpected(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) threads.emplace_back([&, t] { unexpected[t] = Run(t, shared); });
  for (auto& t : threads) t.join();
  for (const auto& list : unexpected)
    for (const auto& u : list) ADD_FAILURE() << u;
  EXPECT_TRUE(FsckNow().empty());
  std::map<Ino, uint32_t> links;
  Walk(kRootIno, &links, 0);
  auto st = v->Statfs();
  ASSERT_TRUE(st.ok());
  EXPECT_EQ(st->files - st->ffree, links.size() + 1);  // + the root
  for (const auto& [ino, n] : links) {
    Attr a = AttrOk(ino);
    if (!S_ISDIR(a.mode)) {
      EXPECT_EQ(a.nlink, n) << "inode " << ino;
    }
  }
  EXPECT_GT(links.size(), 3u);
  for (const char* what : {"create", "mkdir", "unlink", "rmdir", "link", "rename", "write", "truncate"}) {
    EXPECT_GT(successes_[what], 20) << what;
    std::cout << what << ": " << successes_[what] << " succeeded\n";
  }
}

}  // namespace
}  // namespace rpuffs::storage::testing
