// randio: 4 KiB random reads and writes over pre-created files. Each client
// creates and fills its files (1 MiB writes, "prep.*"), keeps them open, then
// issues aligned 4 KiB reads (verified) and writes (pattern data, so reads
// stay checkable) at random offsets until --duration or --ops per client.
// --files-per-client (default 4), --file-size (default 4 MiB, a multiple of
// 4 KiB), --mix read=W,write=W (default read=50,write=50).
#include "client/load/chains.h"
#include "client/load/pattern.h"
#include "client/load/workload.h"

namespace rpuffs::load {
namespace {

constexpr uint32_t kSpace = 2;

class Randio final : public Workload {
 public:
  Randio(const LoadOptions& o, OpMix mix)
      : files_(FilesOnly(o, 4)), size_(FileSize(o, 4 * kMiB)),
        ops_(OpsOrUnlimited(o)), mix_(std::move(mix)) {}
  bool open_ended() const override { return true; }

  std::vector<Phase> Phases(Run& run) override {
    size_t n = run.clients.size();
    dirs_.Resize(n);
    made_.assign(n, 0);
    handles_.assign(n, std::vector<Handle>(files_));
    open_.assign(n, std::vector<char>(files_, 0));
    auto made = [this](Client& c) { return made_[c.id()]; };
    return {
        dirs_.MakePhase(),
        Counted("prep", [this](Client&) { return files_; },
                [this](Client& c, uint64_t i, TaskDone done) { Prepare(c, i, done); }),
        Counted("randio", [this](Client&) { return ops_; },
                [this](Client& c, uint64_t i, TaskDone done) { RandomOp(c, i, done); }),
        Counted("close", made,
                [this](Client& c, uint64_t i, TaskDone done) {
                  if (!open_[c.id()][i]) return done();
                  CloseThen(c, handles_[c.id()][i], "close", done);
                }, true),
        UnlinkFiles(made, [this](Client& c, uint64_t) { return dirs_.Of(c); },
                    [](Client&, uint64_t i) { return Numbered("f", i); }),
        dirs_.RemovePhase(),
    };
  }

 private:
  void Prepare(Client& c, uint64_t i, TaskDone done) {
    made_[c.id()] = i + 1;
    c.fs().Create(dirs_.Of(c), Numbered("f", i), c.Timed("prep.create", CreateCb([this, &c, i, done](
                                                        int err, Node, Handle h) {
      if (err != 0) return done();
      handles_[c.id()][i] = h;
      open_[c.id()][i] = 1;
      WriteFile(c, h, FileId(kSpace, c.id(), i), size_, kMiB, "prep.write", [done](bool) { done(); });
    })));
  }

  void RandomOp(Client& c, uint64_t i, TaskDone done) {
    uint64_t made = made_[c.id()];
    if (made == 0) return done();
    uint64_t f = TaskRandom(c, i, 1) % made;
    if (!open_[c.id()][f]) return done();
    uint64_t offset = TaskRandom(c, i, 2) % (size_ / kBlock) * kBlock;
    const Handle& h = handles_[c.id()][f];
    uint64_t id = FileId(kSpace, c.id(), f);
    auto finish = [done](bool) { done(); };
    if (mix_.Pick(TaskRandom(c, i, 3)) == "read") return ReadBlock(c, h, id, offset, kBlock, "read", finish);
    WriteBlock(c, h, id, offset, kBlock, "write", finish);
  }

  uint64_t files_;
  uint64_t size_;
  uint64_t ops_;
  OpMix mix_;
  PrivateDirs dirs_;
  std::vector<uint64_t> made_;
  std::vector<std::vector<Handle>> handles_;
  std::vector<std::vector<char>> open_;
};

}  // namespace

std::unique_ptr<Workload> MakeRandio(const LoadOptions& o, std::string* why) {
  if (!WholeBlocks(o, 4 * kMiB, "randio", why)) return nullptr;
  OpMix mix;
  if (!mix.Parse(o.mix.empty() ? "read=50,write=50" : o.mix, {"read", "write"}, why)) return nullptr;
  return std::make_unique<Randio>(o, std::move(mix));
}

}  // namespace rpuffs::load
