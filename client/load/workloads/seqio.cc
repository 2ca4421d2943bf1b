// seqio: each client writes its files sequentially in 1 MiB calls (create,
// write..., close), then reads them back the same way, verifying every byte
// (lookup, open, read..., close.read). --files-per-client (or --ops) files,
// default 1; --file-size, default 8 MiB.
#include "client/load/chains.h"
#include "client/load/pattern.h"
#include "client/load/workload.h"

namespace rpuffs::load {
namespace {

constexpr uint32_t kSpace = 1;
const char* const kWriteLabels[3] = {"create", "write", "close"};
const char* const kReadLabels[4] = {"lookup", "open", "read", "close.read"};

class Seqio final : public Workload {
 public:
  explicit Seqio(const LoadOptions& o)
      : files_(FilesPerClient(o, 1)), size_(FileSize(o, 8 * kMiB)) {}
  bool open_ended() const override { return false; }

  std::vector<Phase> Phases(Run& run) override {
    dirs_.Resize(run.clients.size());
    made_.assign(run.clients.size(), 0);
    auto made = [this](Client& c) { return made_[c.id()]; };
    auto dir = [this](Client& c, uint64_t) { return dirs_.Of(c); };
    auto name = [](Client&, uint64_t i) { return Numbered("f", i); };
    return {
        dirs_.MakePhase(),
        Counted(
            "write", [this](Client&) { return files_; },
            [this](Client& c, uint64_t i, TaskDone done) {
              made_[c.id()] = i + 1;
              CreateFile(c, dirs_.Of(c), Numbered("f", i), FileId(kSpace, c.id(), i), size_,
                         kWriteLabels, [done](bool, Node) { done(); });
            }),
        Counted("read", made,
                [this](Client& c, uint64_t i, TaskDone done) {
                  CheckFile(c, dirs_.Of(c), Numbered("f", i), FileId(kSpace, c.id(), i), size_,
                            kReadLabels, done);
                }),
        UnlinkFiles(made, dir, name),
        dirs_.RemovePhase(),
    };
  }

 private:
  uint64_t files_;
  uint64_t size_;
  PrivateDirs dirs_;
  std::vector<uint64_t> made_;
};

}  // namespace

std::unique_ptr<Workload> MakeSeqio(const LoadOptions& o, std::string*) {
  return std::make_unique<Seqio>(o);
}

}  // namespace rpuffs::load
