// coherence: the close-to-open promise checked under load. Clients pair up
// (2k writes, 2k+1 reads; an odd last client idles). In each round the
// writer opens its pair's file, writes version N over all of it (an 8-byte
// version, then pattern bytes of that version), closes it, and then tells
// the reader, which looks the file up, opens it on its own session (or
// mount), reads it and must see version N or later: an older version is a
// stale read, wrong bytes a mismatch. Rounds run one at a time per pair
// until --duration or --ops rounds per pair. --file-size (default 16 KiB,
// 16 bytes .. 1 MiB).
#include <fcntl.h>

#include <cstring>

#include "client/load/chains.h"
#include "client/load/pattern.h"
#include "client/load/workload.h"

namespace rpuffs::load {
namespace {

constexpr uint32_t kSpace = 6;
constexpr size_t kHeader = 8;

class Coherence final : public Workload {
 public:
  explicit Coherence(const LoadOptions& o)
      : size_(FileSize(o, 16 * 1024)), rounds_(OpsOrUnlimited(o)) {}
  bool open_ended() const override { return true; }

  std::vector<Phase> Phases(Run& run) override {
    clients_ = &run.clients;
    size_t pairs = run.clients.size() / 2;
    nodes_.assign(pairs, Node{});
    made_.assign(pairs, 0);
    versions_.assign(pairs, 0);
    auto writer = [](Client& c) { return c.id() % 2 == 0 && c.id() + 1 < c.run().clients.size(); };
    Phase rounds = Counted(
        "rounds",
        [this, writer](Client& c) { return writer(c) && made_[c.id() / 2] ? rounds_ : 0; },
        [this](Client& c, uint64_t, TaskDone done) { Round(c, done); });
    rounds.window = 1;  // a pair's rounds are strictly one after the other
    return {
        Counted(
            "create", [writer](Client& c) { return uint64_t{writer(c)}; },
            [this](Client& c, uint64_t, TaskDone done) { Create(c, done); }),
        rounds,
        UnlinkFiles([this, writer](Client& c) { return uint64_t{writer(c) && made_[c.id() / 2]}; },
                    [](Client& c, uint64_t) { return c.run().top; },
                    [](Client& c, uint64_t) { return Numbered("coh", c.id() / 2); }),
    };
  }

 private:
  std::string Version(const Client& c, uint64_t v) const {
    std::string data(kHeader, '\0');
    for (size_t i = 0; i < kHeader; ++i) data[i] = static_cast<char>(v >> (8 * i));
    return data +
           Pattern(c.run().options.seed, FileId(kSpace, c.id() / 2, v), kHeader, size_ - kHeader);
  }

  void Create(Client& c, TaskDone done) {
    uint32_t pair = c.id() / 2;
    made_[pair] = 1;
    c.fs().Create(c.run().top, Numbered("coh", pair),
                  c.Timed("create", CreateCb([this, &c, pair, done](int err, Node node, Handle h) {
                            if (err != 0) return done();
                            nodes_[pair] = node;
                            c.fs().Write(h, 0, Version(c, 0),
                                         c.Timed("w.write", WriteCb([&c, h, done](int, Written) {
                                                   CloseThen(c, h, "w.close", done);
                                                 })));
                          })));
  }

  // Writer: open, write version v, close; then the reader checks it.
  void Round(Client& c, TaskDone done) {
    uint32_t pair = c.id() / 2;
    uint64_t v = ++versions_[pair];
    c.fs().Open(nodes_[pair], O_WRONLY,
                c.Timed("w.open", OpenCb([this, &c, v, done](int err, Handle h) {
                          if (err != 0) return done();
                          c.fs().Write(
                              h, 0, Version(c, v),
                              c.Timed("w.write", WriteCb([this, &c, h, v, done](int err, Written) {
                                        c.fs().Close(
                                            h, c.Timed("w.close", ErrCb([this, &c, v, done,
                                                                         err](int close_err) {
                                                         if (err != 0 || close_err != 0)
                                                           return done();
                                                         Read(*(*clients_)[c.id() + 1], v, done);
                                                       })));
                                      })));
                        })));
  }

  void Read(Client& r, uint64_t v, TaskDone done) {
    uint32_t pair = r.id() / 2;
    r.fs().Lookup(
        r.run().top, Numbered("coh", pair),
        r.Timed("r.lookup", NodeCb([this, &r, v, done](int err, Node n) {
                  if (err != 0) return done();
                  r.fs().Open(n, O_RDONLY,
                              r.Timed("r.open", OpenCb([this, &r, v, done](int err, Handle h) {
                                        if (err != 0) return done();
                                        r.fs().Read(h, 0, static_cast<uint32_t>(size_),
                                                    r.Timed("r.read",
                                                            DataCb([this, &r, h, v, done](
                                                                       int err, std::string data) {
                                                              if (err == 0) Check(r, v, data);
                                                              CloseThen(r, h, "r.close", done);
                                                            })));
                                      })));
                })));
  }

  void Check(Client& r, uint64_t v, const std::string& data) {
    uint64_t seen = 0;
    for (size_t i = 0; i < kHeader && i < data.size(); ++i) {
      seen |= uint64_t{static_cast<unsigned char>(data[i])} << (8 * i);
    }
    std::string where = "pair " + std::to_string(r.id() / 2) + " version " + std::to_string(v);
    if (data.size() != size_)
      return r.Mismatch("r.read", where + ": read " + std::to_string(data.size()) + " bytes");
    if (seen < v) return r.Stale("r.read", where + ": saw version " + std::to_string(seen));
    int64_t bad = FirstMismatch(r.run().options.seed, FileId(kSpace, r.id() / 2, seen), kHeader,
                                data.substr(kHeader));
    if (bad >= 0) r.Mismatch("r.read", where + ": wrong byte at " + std::to_string(bad + kHeader));
  }

  uint64_t size_;
  uint64_t rounds_;
  const std::vector<std::unique_ptr<Client>>* clients_ = nullptr;
  std::vector<Node> nodes_;
  std::vector<char> made_;
  std::vector<uint64_t> versions_;
};

}  // namespace

std::unique_ptr<Workload> MakeCoherence(const LoadOptions& o, std::string* why) {
  uint64_t size = FileSize(o, 16 * 1024);
  if (size < 2 * kHeader || size > kMiB) {
    *why = "coherence: --file-size must be 16 bytes .. 1M";
    return nullptr;
  }
  if (o.clients < 2) {
    *why = "coherence needs at least 2 clients (writer and reader pairs)";
    return nullptr;
  }
  return std::make_unique<Coherence>(o);
}

}  // namespace rpuffs::load
