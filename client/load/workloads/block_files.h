// client/load — what randio and mixed share: each client's private directory
// of pre-created files made of whole 4 KiB blocks, a blend of operations
// (--mix) and a main phase that runs --ops tasks per client or until the
// deadline. State per client is written by that client's tasks and read
// after a phase barrier (workload.h).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "client/load/chains.h"
#include "client/load/workload.h"

namespace rpuffs::load {

class BlockFileWorkload : public Workload {
 public:
  bool open_ended() const override { return true; }

  // Checks --file-size (or `default_size`) and parses --mix (or
  // `default_mix`) over `ops`; false and *why when either is wrong.
  static bool CheckOptions(const LoadOptions& o, uint64_t default_size, const char* workload,
                           const char* default_mix, const std::vector<std::string>& ops,
                           OpMix* mix, std::string* why) {
    if (!WholeBlocks(o, default_size, workload, why)) return false;
    return mix->Parse(o.mix.empty() ? default_mix : o.mix, ops, why);
  }

 protected:
  BlockFileWorkload(const LoadOptions& o, uint64_t default_files, uint64_t default_size, OpMix mix)
      : files_(FilesOnly(o, default_files)),
        size_(FileSize(o, default_size)),
        ops_(OpsOrUnlimited(o)),
        mix_(std::move(mix)) {}

  void Resize(size_t clients) {
    dirs_.Resize(clients);
    made_.assign(clients, 0);
  }
  // A 4 KiB-aligned offset inside a file, drawn for task `i`.
  uint64_t RandomBlock(const Client& c, uint64_t i) const {
    return TaskRandom(c, i, 2) % (size_ / kBlock) * kBlock;
  }

  const uint64_t files_;
  const uint64_t size_;
  const uint64_t ops_;
  OpMix mix_;
  PrivateDirs dirs_;
  std::vector<uint64_t> made_;  // per client: files whose creation started
};

}  // namespace rpuffs::load
