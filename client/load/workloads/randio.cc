// randio: 4 KiB random reads and writes over pre-created files. Each client
// creates and fills its files (1 MiB writes, "prep.*"), keeps them open, then
// issues aligned 4 KiB reads (verified) and writes (pattern data, so reads
// stay checkable) at random offsets until --duration or --ops per client.
// --files-per-client (default 4), --file-size (default 4 MiB, a multiple of
// 4 KiB), --mix read=W,write=W (default read=50,write=50).
#include "client/load/pattern.h"
#include "client/load/workloads/block_files.h"

namespace rpuffs::load {
namespace {

constexpr uint32_t kSpace = 2;

constexpr uint64_t kDefaultSize = 4 * kMiB;

class Randio final : public BlockFileWorkload {
 public:
  Randio(const LoadOptions& o, OpMix mix) : BlockFileWorkload(o, 4, kDefaultSize, std::move(mix)) {}

  std::vector<Phase> Phases(Run& run) override {
    size_t n = run.clients.size();
    Resize(n);
    handles_.assign(n, std::vector<Handle>(files_));
    open_.assign(n, std::vector<char>(files_, 0));
    auto made = [this](Client& c) { return made_[c.id()]; };
    return {
        dirs_.MakePhase(),
        Counted(
            "prep", [this](Client&) { return files_; },
            [this](Client& c, uint64_t i, TaskDone done) { Prepare(c, i, done); }),
        Counted(
            "randio", [this](Client&) { return ops_; },
            [this](Client& c, uint64_t i, TaskDone done) { RandomOp(c, i, done); }),
        Counted(
            "close", made,
            [this](Client& c, uint64_t i, TaskDone done) {
              if (!open_[c.id()][i]) return done();
              CloseThen(c, handles_[c.id()][i], "close", done);
            },
            true),
        UnlinkFiles(
            made, [this](Client& c, uint64_t) { return dirs_.Of(c); },
            [](Client&, uint64_t i) { return Numbered("f", i); }),
        dirs_.RemovePhase(),
    };
  }

 private:
  void Prepare(Client& c, uint64_t i, TaskDone done) {
    made_[c.id()] = i + 1;
    c.fs().Create(dirs_.Of(c), Numbered("f", i),
                  c.Timed("prep.create", CreateCb([this, &c, i, done](int err, Node, Handle h) {
                            if (err != 0) return done();
                            handles_[c.id()][i] = h;
                            open_[c.id()][i] = 1;
                            WriteFile(c, h, FileId(kSpace, c.id(), i), size_, kMiB, "prep.write",
                                      [done](bool) { done(); });
                          })));
  }

  void RandomOp(Client& c, uint64_t i, TaskDone done) {
    uint64_t made = made_[c.id()];
    if (made == 0) return done();
    uint64_t f = TaskRandom(c, i, 1) % made;
    if (!open_[c.id()][f]) return done();
    uint64_t offset = RandomBlock(c, i);
    const Handle& h = handles_[c.id()][f];
    uint64_t id = FileId(kSpace, c.id(), f);
    auto finish = [done](bool) { done(); };
    if (mix_.Pick(TaskRandom(c, i, 3)) == "read")
      return ReadBlock(c, h, id, offset, kBlock, "read", finish);
    WriteBlock(c, h, id, offset, kBlock, "write", finish);
  }

  std::vector<std::vector<Handle>> handles_;
  std::vector<std::vector<char>> open_;
};

}  // namespace

std::unique_ptr<Workload> MakeRandio(const LoadOptions& o, std::string* why) {
  OpMix mix;
  if (!BlockFileWorkload::CheckOptions(o, kDefaultSize, "randio", "read=50,write=50",
                                       {"read", "write"}, &mix, why)) {
    return nullptr;
  }
  return std::make_unique<Randio>(o, std::move(mix));
}

}  // namespace rpuffs::load
