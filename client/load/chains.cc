#include "client/load/chains.h"

#include <fcntl.h>

#include <algorithm>

#include "client/load/pattern.h"

namespace rpuffs::load {

std::string Numbered(const char* prefix, uint64_t n) { return prefix + std::to_string(n); }

void WriteBlock(Client& c, const Handle& h, uint64_t file, uint64_t offset, uint64_t len,
                const char* label, Finish done) {
  std::string data = Pattern(c.run().options.seed, file, offset, len);
  if (!data.empty() && c.run().TakeCorruption()) data[0] = static_cast<char>(data[0] ^ 0x5a);
  c.fs().Write(h, offset, std::move(data),
               c.Timed(label, WriteCb([done](int err, Written) { done(err == 0); })));
}

void ReadBlock(Client& c, const Handle& h, uint64_t file, uint64_t offset, uint64_t len,
               const char* label, Finish done) {
  c.fs().Read(
      h, offset, static_cast<uint32_t>(len),
      c.Timed(label, DataCb([&c, file, offset, len, label, done](int err, std::string data) {
                if (err != 0) return done(false);
                int64_t bad = data.size() == len
                                  ? FirstMismatch(c.run().options.seed, file, offset, data)
                                  : static_cast<int64_t>(data.size());
                if (bad >= 0) {
                  c.Mismatch(label, "file " + std::to_string(file) + " offset " +
                                        std::to_string(offset + bad) + " (read " +
                                        std::to_string(data.size()) + " of " + std::to_string(len) +
                                        " bytes)");
                }
                done(true);
              })));
}

namespace {

using BlockFn = void (*)(Client&, const Handle&, uint64_t, uint64_t, uint64_t, const char*, Finish);

void Sequential(BlockFn fn, Client& c, const Handle& h, uint64_t file, uint64_t offset,
                uint64_t size, uint64_t io, const char* label, Finish done) {
  if (offset >= size) return done(true);
  uint64_t len = std::min(io, size - offset);
  fn(c, h, file, offset, len, label,
     [fn, &c, h, file, offset, len, size, io, label, done](bool ok) {
       if (!ok) return done(false);
       Sequential(fn, c, h, file, offset + len, size, io, label, done);
     });
}

}  // namespace

void WriteFile(Client& c, const Handle& h, uint64_t file, uint64_t size, uint64_t io,
               const char* label, Finish done) {
  Sequential(&WriteBlock, c, h, file, 0, size, io, label, std::move(done));
}

void ReadFile(Client& c, const Handle& h, uint64_t file, uint64_t size, uint64_t io,
              const char* label, Finish done) {
  Sequential(&ReadBlock, c, h, file, 0, size, io, label, std::move(done));
}

void CloseThen(Client& c, const Handle& h, const char* label, TaskDone done) {
  c.fs().Close(h, c.Timed(label, ErrCb([done](int) { done(); })));
}

void CreateFile(Client& c, const Node& dir, const std::string& name, uint64_t file, uint64_t size,
                const char* const labels[3], std::function<void(bool ok, Node made)> done) {
  c.fs().Create(
      dir, name,
      c.Timed(labels[0], CreateCb([&c, file, size, labels, done](int err, Node node, Handle h) {
                if (err != 0) return done(false, Node{});
                WriteFile(c, h, file, size, kMiB, labels[1], [&c, h, labels, done, node](bool ok) {
                  c.fs().Close(h, c.Timed(labels[2], ErrCb([ok, done, node](int err) {
                                            done(ok && err == 0, node);
                                          })));
                });
              })));
}

void CheckFile(Client& c, const Node& dir, const std::string& name, uint64_t file, uint64_t size,
               const char* const labels[4], TaskDone done) {
  c.fs().Lookup(
      dir, name,
      c.Timed(labels[0], NodeCb([&c, file, size, labels, done](int err, Node n) {
                if (err != 0) return done();
                c.fs().Open(
                    n, O_RDONLY,
                    c.Timed(labels[1], OpenCb([&c, file, size, labels, done](int err, Handle h) {
                              if (err != 0) return done();
                              ReadFile(c, h, file, size, kMiB, labels[2],
                                       [&c, h, labels, done](bool) {
                                         CloseThen(c, h, labels[3], done);
                                       });
                            })));
              })));
}

}  // namespace rpuffs::load
