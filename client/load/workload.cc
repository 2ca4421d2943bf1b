#include "client/load/workload.h"

#include "client/load/chains.h"
#include "client/load/pattern.h"

namespace rpuffs::load {

std::unique_ptr<Workload> MakeWorkload(const LoadOptions& o, std::string* why) {
  using Factory = std::unique_ptr<Workload> (*)(const LoadOptions&, std::string*);
  static const std::pair<const char*, Factory> kWorkloads[] = {
      {"mdtest", MakeMdtest},         {"seqio", MakeSeqio}, {"randio", MakeRandio},
      {"smallfiles", MakeSmallfiles}, {"mixed", MakeMixed}, {"coherence", MakeCoherence},
  };
  for (const auto& [name, make] : kWorkloads) {
    if (o.workload == name) return make(o, why);
  }
  *why =
      "unknown workload '" + o.workload + "' (mdtest, seqio, randio, smallfiles, mixed, coherence)";
  return nullptr;
}

Phase Counted(const char* name, std::function<uint64_t(Client&)> count, Task task, bool always) {
  Phase p;
  p.name = name;
  p.count = std::move(count);
  p.task = std::move(task);
  p.always = always;
  return p;
}

Phase PerClient(const char* name, Task task, bool always) {
  return Counted(
      name, [](Client&) { return uint64_t{1}; }, std::move(task), always);
}

Phase FirstClient(const char* name, Task task, bool always) {
  return Counted(
      name, [](Client& c) { return uint64_t{c.id() == 0 ? 1u : 0u}; }, std::move(task), always);
}

Phase UnlinkFiles(std::function<uint64_t(Client&)> count,
                  std::function<Node(Client&, uint64_t)> dir,
                  std::function<std::string(Client&, uint64_t)> name) {
  return Counted(
      "unlink", std::move(count),
      [dir, name](Client& c, uint64_t i, TaskDone done) {
        c.fs().Unlink(dir(c, i), name(c, i), c.Timed("unlink", ErrCb([done](int) { done(); })));
      },
      true);
}

uint64_t FilesPerClient(const LoadOptions& o, uint64_t fallback) {
  if (o.ops != 0) return o.ops;
  return o.files_per_client != 0 ? o.files_per_client : fallback;
}

uint64_t FilesOnly(const LoadOptions& o, uint64_t fallback) {
  return o.files_per_client != 0 ? o.files_per_client : fallback;
}

uint64_t OpsOrUnlimited(const LoadOptions& o) { return o.ops != 0 ? o.ops : kUnlimited; }

bool WholeBlocks(const LoadOptions& o, uint64_t fallback, const char* workload, std::string* why) {
  uint64_t size = FileSize(o, fallback);
  if (size >= kBlock && size % kBlock == 0) return true;
  *why = std::string(workload) + ": --file-size must be a multiple of 4K";
  return false;
}

uint64_t FileSize(const LoadOptions& o, uint64_t fallback) {
  return o.file_size != 0 ? o.file_size : fallback;
}

uint64_t TaskRandom(const Client& c, uint64_t index, uint64_t salt) {
  return Hash64(Hash64(c.run().options.seed ^ salt, c.id()), index);
}

bool OpMix::Parse(const std::string& text, const std::vector<std::string>& allowed,
                  std::string* why) {
  parts_.clear();
  total_ = 0;
  size_t at = 0;
  while (at <= text.size()) {
    size_t end = text.find(',', at);
    std::string item = text.substr(at, end == std::string::npos ? std::string::npos : end - at);
    size_t eq = item.find('=');
    std::string name = item.substr(0, eq);
    bool known = false;
    for (const auto& a : allowed) known = known || a == name;
    std::string weight = eq == std::string::npos ? "" : item.substr(eq + 1);
    if (!known || weight.empty() || weight.size() > 6 ||
        weight.find_first_not_of("0123456789") != std::string::npos) {
      std::string ops;
      for (const auto& a : allowed) ops += (ops.empty() ? "" : ",") + a;
      *why = "bad --mix item '" + item + "' (want op=weight; ops: " + ops + ")";
      return false;
    }
    parts_.emplace_back(name, std::stoull(weight));
    total_ += parts_.back().second;
    if (end == std::string::npos) break;
    at = end + 1;
  }
  if (total_ == 0) *why = "--mix weights add up to 0";
  return total_ != 0;
}

const std::string& OpMix::Pick(uint64_t random) const {
  uint64_t r = random % total_;
  for (const auto& [name, weight] : parts_) {
    if (r < weight) return name;
    r -= weight;
  }
  return parts_.back().first;
}

Phase PrivateDirs::MakePhase() {
  return PerClient("mkdir", [this](Client& c, uint64_t, TaskDone done) {
    c.fs().Mkdir(c.run().top, Numbered("c", c.id()),
                 c.Timed("mkdir", NodeCb([this, &c, done](int err, Node n) {
                           if (err == 0) {
                             dirs_[c.id()] = n;
                             made_[c.id()] = 1;
                           }
                           done();
                         })));
  });
}

Phase PrivateDirs::RemovePhase() {
  return Counted(
      "rmdir", [this](Client& c) { return uint64_t{made_[c.id()] ? 1u : 0u}; },
      [](Client& c, uint64_t, TaskDone done) {
        c.fs().Rmdir(c.run().top, Numbered("c", c.id()),
                     c.Timed("rmdir", ErrCb([done](int) { done(); })));
      },
      true);
}

}  // namespace rpuffs::load
