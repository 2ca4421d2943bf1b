// mixed: a configurable blend over pre-created files. Each client creates
// and fills its files ("prep.*"), then picks operations by --mix weight
// until --duration or --ops per client:
//   stat    lookup of a random file;
//   read    open, read a random 4 KiB block (verified), close;
//   write   open, write a random 4 KiB block, close;
//   create  create, write 4 KiB, close a new file;
//   readdir list the client's directory.
// Defaults: --mix stat=40,read=30,write=20,create=5,readdir=5,
// --files-per-client 16, --file-size 64 KiB (a multiple of 4 KiB).
#include <fcntl.h>

#include "client/load/pattern.h"
#include "client/load/workloads/block_files.h"

namespace rpuffs::load {
namespace {

constexpr uint32_t kSpace = 4;
constexpr uint32_t kNewSpace = 5;
const char* const kPrepLabels[3] = {"prep.create", "prep.write", "prep.close"};
const char* const kCreateLabels[3] = {"create", "write", "close"};

constexpr uint64_t kDefaultSize = 64 * 1024;

class Mixed final : public BlockFileWorkload {
 public:
  Mixed(const LoadOptions& o, OpMix mix) : BlockFileWorkload(o, 16, kDefaultSize, std::move(mix)) {}

  std::vector<Phase> Phases(Run& run) override {
    size_t n = run.clients.size();
    Resize(n);
    news_.assign(n, 0);
    nodes_.assign(n, std::vector<Node>(files_));
    return {
        dirs_.MakePhase(),
        Counted(
            "prep", [this](Client&) { return files_; },
            [this](Client& c, uint64_t i, TaskDone done) {
              made_[c.id()] = i + 1;
              CreateFile(c, dirs_.Of(c), Numbered("f", i), FileId(kSpace, c.id(), i), size_,
                         kPrepLabels, [this, &c, i, done](bool, Node node) {
                           nodes_[c.id()][i] = node;
                           done();
                         });
            }),
        Counted(
            "mixed", [this](Client&) { return ops_; },
            [this](Client& c, uint64_t i, TaskDone done) { RandomOp(c, i, done); }),
        UnlinkFiles([this](Client& c) { return made_[c.id()] + news_[c.id()]; },
                    [this](Client& c, uint64_t) { return dirs_.Of(c); },
                    [this](Client& c, uint64_t i) {
                      uint64_t made = made_[c.id()];
                      return i < made ? Numbered("f", i) : Numbered("n", i - made);
                    }),
        dirs_.RemovePhase(),
    };
  }

 private:
  void RandomOp(Client& c, uint64_t i, TaskDone done) {
    const std::string& op = mix_.Pick(TaskRandom(c, i, 3));
    const Node& dir = dirs_.Of(c);
    if (op == "create") {
      uint64_t k = news_[c.id()]++;  // task starts are serialised per client
      return CreateFile(c, dir, Numbered("n", k), FileId(kNewSpace, c.id(), k), kBlock,
                        kCreateLabels, [done](bool, Node) { done(); });
    }
    if (op == "readdir")
      return c.fs().Readdir(dir, c.Timed("readdir", CountCb([done](int, uint64_t) { done(); })));
    uint64_t made = made_[c.id()];
    if (made == 0) return done();
    uint64_t f = TaskRandom(c, i, 1) % made;
    if (op == "stat")
      return c.fs().Lookup(dir, Numbered("f", f),
                           c.Timed("stat", NodeCb([done](int, Node) { done(); })));
    BlockIo(c, op == "read", f, RandomBlock(c, i), done);
  }

  // open, one 4 KiB read (verified) or write, close.
  void BlockIo(Client& c, bool read, uint64_t f, uint64_t offset, TaskDone done) {
    uint64_t id = FileId(kSpace, c.id(), f);
    c.fs().Open(nodes_[c.id()][f], read ? O_RDONLY : O_RDWR,
                c.Timed("open", OpenCb([&c, read, id, offset, done](int err, Handle h) {
                          if (err != 0) return done();
                          auto close = [&c, h, done](bool) { CloseThen(c, h, "close", done); };
                          if (read) return ReadBlock(c, h, id, offset, kBlock, "read", close);
                          WriteBlock(c, h, id, offset, kBlock, "write", close);
                        })));
  }

  std::vector<uint64_t> news_;
  std::vector<std::vector<Node>> nodes_;
};

}  // namespace

std::unique_ptr<Workload> MakeMixed(const LoadOptions& o, std::string* why) {
  OpMix mix;
  if (!BlockFileWorkload::CheckOptions(o, kDefaultSize, "mixed",
                                       "stat=40,read=30,write=20,create=5,readdir=5",
                                       {"stat", "read", "write", "create", "readdir"}, &mix, why)) {
    return nullptr;
  }
  return std::make_unique<Mixed>(o, std::move(mix));
}

}  // namespace rpuffs::load
