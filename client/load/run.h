// client/load — the state one rpuffs-load run shares between its clients,
// its workload and its driver: options, the run's top directory, the stop
// flag (deadline), run-wide counters and the clients themselves.
//
// `top` is written once by the setup phase, before any workload phase
// starts (the phase barrier orders it); everything else mutable is atomic.
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "client/load/flags.h"
#include "client/load/fs.h"
#include "client/load/op_stats.h"

namespace rpuffs::load {

class Client;

struct Run {
  explicit Run(LoadOptions o);
  ~Run();

  bool stopped() const { return stop.load(std::memory_order_relaxed); }
  // True exactly once when --inject-corruption was given.
  bool TakeCorruption() { return corruption_pending.exchange(false); }

  LoadOptions options;
  std::string top_name;  // unique per run, below the volume (or mount) root
  Node top;
  Counters counters;
  std::atomic<bool> stop{false};
  std::atomic<bool> corruption_pending{false};
  std::atomic<int> problems_logged{0};
  std::vector<std::unique_ptr<Client>> clients;
};

}  // namespace rpuffs::load
