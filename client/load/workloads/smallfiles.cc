// smallfiles: untar-like. Each client makes its directory and subdirectories
// of 16 files each, then creates, writes (1..64 KiB, in one call) and closes
// every file; then stats, opens, reads back (verified) and closes each one.
// --files-per-client (or --ops) files, default 256; --file-size is the
// largest size (default 64 KiB; sizes are whole KiB when it is >= 1 KiB).
#include "client/load/chains.h"
#include "client/load/pattern.h"
#include "client/load/workload.h"

namespace rpuffs::load {
namespace {

constexpr uint32_t kSpace = 3;
constexpr uint64_t kFilesPerDir = 16;
const char* const kWriteLabels[3] = {"create", "write", "close"};
const char* const kReadLabels[4] = {"stat", "open", "read", "close.read"};

class Smallfiles final : public Workload {
 public:
  explicit Smallfiles(const LoadOptions& o)
      : files_(FilesPerClient(o, 256)),
        max_size_(FileSize(o, 64 * 1024)),
        subdirs_((files_ + kFilesPerDir - 1) / kFilesPerDir) {}
  bool open_ended() const override { return false; }

  std::vector<Phase> Phases(Run& run) override {
    size_t n = run.clients.size();
    dirs_.Resize(n);
    made_.assign(n, 0);
    subdirs_made_.assign(n, 0);
    sub_.assign(n, std::vector<Node>(subdirs_));
    auto made = [this](Client& c) { return made_[c.id()]; };
    auto file_dir = [this](Client& c, uint64_t i) { return sub_[c.id()][i / kFilesPerDir]; };
    return {
        dirs_.MakePhase(),
        Counted(
            "mkdir.sub", [this](Client&) { return subdirs_; },
            [this](Client& c, uint64_t j, TaskDone done) {
              subdirs_made_[c.id()] = j + 1;
              c.fs().Mkdir(dirs_.Of(c), Numbered("d", j),
                           c.Timed("mkdir.sub", NodeCb([this, &c, j, done](int err, Node d) {
                                     if (err == 0) sub_[c.id()][j] = d;
                                     done();
                                   })));
            }),
        Counted(
            "write", [this](Client&) { return files_; },
            [this, file_dir](Client& c, uint64_t i, TaskDone done) {
              made_[c.id()] = i + 1;
              CreateFile(c, file_dir(c, i), Numbered("f", i), FileId(kSpace, c.id(), i),
                         SizeOf(c, i), kWriteLabels, [done](bool, Node) { done(); });
            }),
        Counted("read", made,
                [this, file_dir](Client& c, uint64_t i, TaskDone done) {
                  CheckFile(c, file_dir(c, i), Numbered("f", i), FileId(kSpace, c.id(), i),
                            SizeOf(c, i), kReadLabels, done);
                }),
        UnlinkFiles(made, file_dir, [](Client&, uint64_t i) { return Numbered("f", i); }),
        Counted(
            "rmdir.sub", [this](Client& c) { return subdirs_made_[c.id()]; },
            [this](Client& c, uint64_t j, TaskDone done) {
              c.fs().Rmdir(dirs_.Of(c), Numbered("d", j),
                           c.Timed("rmdir.sub", ErrCb([done](int) { done(); })));
            },
            true),
        dirs_.RemovePhase(),
    };
  }

 private:
  uint64_t SizeOf(const Client& c, uint64_t i) const {
    uint64_t r = TaskRandom(c, i, 7);
    if (max_size_ < 1024) return 1 + r % max_size_;
    return 1024 * (1 + r % (max_size_ / 1024));
  }

  uint64_t files_;
  uint64_t max_size_;
  uint64_t subdirs_;
  PrivateDirs dirs_;
  std::vector<uint64_t> made_;
  std::vector<uint64_t> subdirs_made_;
  std::vector<std::vector<Node>> sub_;
};

}  // namespace

std::unique_ptr<Workload> MakeSmallfiles(const LoadOptions& o, std::string* why) {
  if (o.file_size > 1024 * 1024) {
    *why = "smallfiles: --file-size is at most 1M";
    return nullptr;
  }
  return std::make_unique<Smallfiles>(o);
}

}  // namespace rpuffs::load
