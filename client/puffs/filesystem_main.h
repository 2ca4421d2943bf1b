// client/puffs — main() for a simple filesystem on the framework.
//
//   PROG MOUNTPOINT [-f] [-o opt[,opt...]]... [-d] [--help] [--version]
//
// RunFilesystemMain parses that command line (CLI11), rejects unknown flags,
// a missing or non-directory mount point and bad -o options with a one-line
// reason and a non-zero result, daemonizes unless -f (the parent exits only
// once the mount is live or has failed), mounts, runs the loop and returns
// 0 after an orderly unmount (SIGTERM, SIGINT, umount, fusermount3 -u).
// --help and --version print and return 0 without mounting.
//
// Filesystems that need more (a server address, set-up after the fork)
// compose Daemonize(), Usermount and EventLoop::AddFd themselves.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "client/puffs/ops.h"
#include "client/puffs/usermount.h"

namespace rpuffs::puffs {

struct MainInfo {
  std::string name = "rpuffs-fs";  // program name in messages and --help
  std::string version = "0.1.0";
  std::string description;         // one line for --help
  // Mount options applied before the user's -o (e.g. "fsname=memfs,subtype=memfs").
  std::vector<std::string> default_options;
  // Runs after the fork and before the mount (setters go here).
  std::function<void(Usermount&)> before_mount;
};

int RunFilesystemMain(int argc, char** argv, const Ops& ops, const MainInfo& info);

}  // namespace rpuffs::puffs
