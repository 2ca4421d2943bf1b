// rpuffs-memfs MOUNTPOINT [-f] [-o opt,...]: mounts a fresh in-memory filesystem.
//
// The framework's RunFilesystemMain does the command line, daemon mode,
// mount, loop and orderly unmount; this file only adds memfs's ops, its own
// -o words (attr_timeout=, entry_timeout=, negative_timeout=: see
// memfs_options.h) and its fixed mount options: default_permissions always
// (the kernel checks rwx for every caller), allow_other when run as root (so
// other users can use the mount, as on a local disk), and handle_killpriv
// (see below).
#include <unistd.h>

#include <cstdio>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

#include "client/memfs/memfs.h"
#include "client/memfs/memfs_options.h"
#include "client/puffs/filesystem_main.h"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv, argv + argc);
  rpuffs::memfs::MemFsOptions options;
  std::string error;
  if (!rpuffs::memfs::TakeMemFsOptions(&args, &options, &error)) {
    fprintf(stderr, "rpuffs-memfs: %s\n", error.c_str());
    return 2;
  }
  std::vector<char*> rest;
  for (std::string& a : args) rest.push_back(a.data());
  rest.push_back(nullptr);

  std::unique_ptr<rpuffs::memfs::MemFs> fs;
  try {
    fs = std::make_unique<rpuffs::memfs::MemFs>(options);
  } catch (const std::system_error& e) {  // the ChunkArena's memfd
    fprintf(stderr, "rpuffs-memfs: cannot make the memory file for file data: %s\n", e.what());
    return 1;
  }
  rpuffs::puffs::MainInfo info;
  info.name = "rpuffs-memfs";
  info.description = "rpuffs-memfs: a complete in-memory filesystem on the puffs framework";
  info.default_options = {"fsname=rpuffs-memfs", "subtype=rpuffs-memfs", "default_permissions"};
  if (geteuid() == 0) info.default_options.push_back("allow_other");
  // memfs clears suid/sgid and security.capability itself, so the kernel
  // can skip its per-write security.capability probe (-o no_handle_killpriv
  // turns this off).
  info.before_mount = [](rpuffs::puffs::Usermount& um) { um.SetHandleKillpriv(true); };
  return rpuffs::puffs::RunFilesystemMain(static_cast<int>(rest.size()) - 1, rest.data(),
                                          fs->MakeOps(), info);
}
