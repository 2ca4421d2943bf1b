// rpuffs-memfs MOUNTPOINT [-f] [-o opt,...]: mounts a fresh in-memory filesystem.
//
// The framework's RunFilesystemMain does the command line, daemon mode,
// mount, loop and orderly unmount; this file only adds memfs's ops and its
// fixed mount options: default_permissions always (the kernel checks rwx for
// every caller), allow_other when run as root (so other users can use the
// mount, as on a local disk), and handle_killpriv (see below).
#include <unistd.h>

#include "client/memfs/memfs.h"
#include "client/puffs/filesystem_main.h"

int main(int argc, char** argv) {
  rpuffs::memfs::MemFs fs;
  rpuffs::puffs::MainInfo info;
  info.name = "rpuffs-memfs";
  info.description = "rpuffs-memfs: a complete in-memory filesystem on the puffs framework";
  info.default_options = {"fsname=rpuffs-memfs", "subtype=rpuffs-memfs", "default_permissions"};
  if (geteuid() == 0) info.default_options.push_back("allow_other");
  // memfs clears suid/sgid and security.capability itself, so the kernel
  // can skip its per-write security.capability probe (-o no_handle_killpriv
  // turns this off).
  info.before_mount = [](rpuffs::puffs::Usermount& um) { um.SetHandleKillpriv(true); };
  return rpuffs::puffs::RunFilesystemMain(argc, argv, fs.MakeOps(), info);
}
