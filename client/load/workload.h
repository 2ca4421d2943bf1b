// client/load — a workload: a list of phases (client.h) over the run's
// top directory, with a barrier between phases (every client finishes phase
// k before any starts phase k + 1). Cleanup phases are marked `always` and
// run even when the deadline stopped the run, so a run leaves nothing behind.
//
// MakeWorkload() checks the workload's own options (--mix, sizes) and
// returns nullptr with a one-line reason when they are wrong or the name is
// unknown. Phases() is called once, after the clients exist. Workload state
// per client is written by that client's tasks and read after a barrier.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "client/load/client.h"
#include "client/load/flags.h"

namespace rpuffs::load {

class Workload {
 public:
  virtual ~Workload() = default;
  // Runs until --duration unless --ops is given (randio, mixed, coherence).
  virtual bool open_ended() const = 0;
  virtual std::vector<Phase> Phases(Run& run) = 0;
};

std::unique_ptr<Workload> MakeWorkload(const LoadOptions& o, std::string* why);

std::unique_ptr<Workload> MakeMdtest(const LoadOptions& o, std::string* why);
std::unique_ptr<Workload> MakeSeqio(const LoadOptions& o, std::string* why);
std::unique_ptr<Workload> MakeRandio(const LoadOptions& o, std::string* why);
std::unique_ptr<Workload> MakeSmallfiles(const LoadOptions& o, std::string* why);
std::unique_ptr<Workload> MakeMixed(const LoadOptions& o, std::string* why);
std::unique_ptr<Workload> MakeCoherence(const LoadOptions& o, std::string* why);

// Phase builders.
Phase PerClient(const char* name, Task task, bool always = false);    // one task per client
Phase FirstClient(const char* name, Task task, bool always = false);  // one task, client 0
Phase Counted(const char* name, std::function<uint64_t(Client&)> count, Task task,
              bool always = false);

// Removes the files `name(c, i)` for i < count(c) from dir(c, i) ("unlink",
// always).
Phase UnlinkFiles(std::function<uint64_t(Client&)> count,
                  std::function<Node(Client&, uint64_t)> dir,
                  std::function<std::string(Client&, uint64_t)> name);

// --files-per-client (or --ops), else `fallback`.
uint64_t FilesPerClient(const LoadOptions& o, uint64_t fallback);
// --files-per-client, else `fallback` (for workloads where --ops counts calls).
uint64_t FilesOnly(const LoadOptions& o, uint64_t fallback);
// --ops, else kUnlimited (until the deadline).
uint64_t OpsOrUnlimited(const LoadOptions& o);
// Is the file size (--file-size, else `fallback`) whole 4 KiB blocks? If
// not, *why names the workload.
bool WholeBlocks(const LoadOptions& o, uint64_t fallback, const char* workload, std::string* why);
// --file-size, else `fallback`.
uint64_t FileSize(const LoadOptions& o, uint64_t fallback);
// A deterministic random number for (client, task index, salt).
uint64_t TaskRandom(const Client& c, uint64_t index, uint64_t salt);

// A weighted choice among named operations ("read=70,write=30").
class OpMix {
 public:
  // False (and *why) for unknown names, bad weights or an all-zero mix.
  bool Parse(const std::string& text, const std::vector<std::string>& allowed, std::string* why);
  const std::string& Pick(uint64_t random) const;

 private:
  std::vector<std::pair<std::string, uint64_t>> parts_;
  uint64_t total_ = 0;
};

// One private directory per client, "c<id>" below the run's top directory.
class PrivateDirs {
 public:
  void Resize(size_t clients) {
    dirs_.assign(clients, Node{});
    made_.assign(clients, 0);
  }
  const Node& Of(const Client& c) const { return dirs_[c.id()]; }
  Phase MakePhase();    // "mkdir"
  Phase RemovePhase();  // "rmdir", always, for those that were made

 private:
  std::vector<Node> dirs_;
  std::vector<char> made_;
};

}  // namespace rpuffs::load
