// tests/posix — where the POSIX suite runs. A Target prepares one directory
// tree for the whole run: a temp dir on the local disk (which validates the
// suite against a real kernel filesystem), or a FUSE mount that the target
// starts before the first test and unmounts after the last one.
//
// Contract: Start() is called once, then Root() is valid until Stop(). Both
// record gtest failures themselves (daemon output included) and never throw
// once constructed. A target owns every process, mount and temp dir it made;
// its destructor cleans all of them up even when Start() or Stop() failed.
// Threading: Start/Stop run on the main thread only; Root() and the Owns* are
// const and may be read from any thread in between.
#pragma once

#include <memory>
#include <string>

namespace rpuffs::posix {

class Target {
 public:
  virtual ~Target() = default;
  // Makes Root() usable. Returns false (after recording a failure) if not.
  virtual bool Start() = 0;
  // Unmounts and reaps; records a failure if a daemon exited non-zero or a
  // mount stays behind.
  virtual void Stop() = 0;
  // The directory the tests work under (each test makes its own subdirectory).
  virtual const std::string& Root() const = 0;
  // True when only this suite changes the statfs block counters (f_bfree),
  // so they may be compared before/after an operation.
  virtual bool OwnsBlockCounts() const = 0;
  // The same for the inode counters (f_ffree).
  virtual bool OwnsFileCounts() const = 0;
  virtual const char* Name() const = 0;
};

// "local", "memfs" or "rpuffs"; nullptr for an unknown name.
std::unique_ptr<Target> MakeTarget(const std::string& name);

// Targets that mount a FUSE daemon (defined in mount_target.cc / rpuffs_target.cc).
std::unique_ptr<Target> MakeMemfsTarget();
std::unique_ptr<Target> MakeRpuffsTarget();

// The target of the running suite (set by the gtest Environment in main).
const Target& CurrentTarget();
void SetCurrentTarget(const Target* target);

}  // namespace rpuffs::posix
