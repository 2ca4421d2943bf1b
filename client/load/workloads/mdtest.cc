// mdtest: like the mdtest benchmark. Each client creates (and closes), stats,
// lists and removes its own files in a private directory; then all clients
// do the same in one shared directory ("shared.*" labels). Readdir checks
// that it sees exactly the files that were created (a wrong count is a
// mismatch). --files-per-client (or --ops) files per client, default 100.
#include <atomic>
#include <memory>

#include "client/load/chains.h"
#include "client/load/workload.h"

namespace rpuffs::load {
namespace {

struct Labels {
  const char* create;
  const char* close;
  const char* stat;
  const char* readdir;
  const char* unlink;
};
constexpr Labels kPrivate{"create", "close", "stat", "readdir", "unlink"};
constexpr Labels kShared{"shared.create", "shared.close", "shared.stat", "shared.readdir",
                         "shared.unlink"};

// Files of one directory: who made how many, and how many exist.
struct FileSet {
  void Resize(size_t clients) {
    made.assign(clients, 0);
    created = std::make_unique<std::atomic<uint64_t>[]>(clients);
  }
  std::vector<uint64_t> made;                        // per client: creates started
  std::unique_ptr<std::atomic<uint64_t>[]> created;  // per client: creates that succeeded
  std::atomic<uint64_t> total{0};                    // all clients
};

class Mdtest final : public Workload {
 public:
  explicit Mdtest(const LoadOptions& o) : files_(FilesPerClient(o, 100)) {}
  bool open_ended() const override { return false; }

  std::vector<Phase> Phases(Run& run) override {
    size_t n = run.clients.size();
    dirs_.Resize(n);
    private_.Resize(n);
    shared_.Resize(n);
    std::vector<Phase> p;
    p.push_back(dirs_.MakePhase());
    AddFilePhases(
        kPrivate, &private_, [this](Client& c) { return dirs_.Of(c); }, &p);
    p.push_back(dirs_.RemovePhase());
    p.push_back(FirstClient("shared.mkdir", [this](Client& c, uint64_t, TaskDone done) {
      c.fs().Mkdir(c.run().top, "shared",
                   c.Timed("shared.mkdir", NodeCb([this, done](int err, Node d) {
                             if (err == 0) shared_dir_ = d;
                             shared_made_ = err == 0;
                             done();
                           })));
    }));
    AddFilePhases(
        kShared, &shared_, [this](Client&) { return shared_dir_; }, &p);
    p.push_back(Counted(
        "shared.rmdir", [this](Client& c) { return uint64_t{c.id() == 0 && shared_made_}; },
        [](Client& c, uint64_t, TaskDone done) {
          c.fs().Rmdir(c.run().top, "shared",
                       c.Timed("shared.rmdir", ErrCb([done](int) { done(); })));
        },
        true));
    return p;
  }

 private:
  using DirOf = std::function<Node(Client&)>;

  std::string Name(const Client& c, uint64_t i) const {
    return "c" + std::to_string(c.id()) + ".f" + std::to_string(i);
  }

  void AddFilePhases(const Labels& l, FileSet* set, DirOf dir, std::vector<Phase>* p) {
    p->push_back(Counted(
        l.create, [this](Client&) { return files_; },
        [this, l, set, dir](Client& c, uint64_t i, TaskDone done) {
          set->made[c.id()] = i + 1;  // tasks start in index order
          c.fs().Create(dir(c), Name(c, i),
                        c.Timed(l.create, CreateCb([&c, l, set, done](int err, Node, Handle h) {
                                  if (err != 0) return done();
                                  set->created[c.id()].fetch_add(1);
                                  set->total.fetch_add(1);
                                  CloseThen(c, h, l.close, done);
                                })));
        }));
    p->push_back(Counted(
        l.stat, [set](Client& c) { return set->made[c.id()]; },
        [this, l, dir](Client& c, uint64_t i, TaskDone done) {
          c.fs().Lookup(dir(c), Name(c, i), c.Timed(l.stat, NodeCb([done](int, Node) { done(); })));
        }));
    p->push_back(PerClient(l.readdir, [l, set, dir](Client& c, uint64_t, TaskDone done) {
      bool shared = l.create == kShared.create;
      c.fs().Readdir(
          dir(c),
          c.Timed(l.readdir, CountCb([&c, l, set, shared, done](int err, uint64_t n) {
                    uint64_t want = shared ? set->total.load() : set->created[c.id()].load();
                    if (err == 0 && n != want) {
                      c.Mismatch(l.readdir, "saw " + std::to_string(n) + " entries, expected " +
                                                std::to_string(want));
                    }
                    done();
                  })));
    }));
    p->push_back(Counted(
        l.unlink, [set](Client& c) { return set->made[c.id()]; },
        [this, l, dir](Client& c, uint64_t i, TaskDone done) {
          c.fs().Unlink(dir(c), Name(c, i), c.Timed(l.unlink, ErrCb([done](int) { done(); })));
        },
        true));
  }

  uint64_t files_;
  PrivateDirs dirs_;
  FileSet private_;
  FileSet shared_;
  Node shared_dir_;
  bool shared_made_ = false;
};

}  // namespace

std::unique_ptr<Workload> MakeMdtest(const LoadOptions& o, std::string*) {
  return std::make_unique<Mdtest>(o);
}

}  // namespace rpuffs::load
