// puffs_tiny_fs: the tiny test filesystem behind RunFilesystemMain, for the
// daemon-mode and signal tests.
#include "client/puffs/filesystem_main.h"
#include "tests/client/puffs/tiny_fs.h"

int main(int argc, char** argv) {
  static rpuffs::puffs::testfs::Counters counters;
  static const rpuffs::puffs::Ops ops = rpuffs::puffs::testfs::MakeTinyFs(&counters);
  rpuffs::puffs::MainInfo info;
  info.name = "puffs_tiny_fs";
  info.description = "a tiny filesystem for the puffs tests";
  info.default_options = {"fsname=tinyfs,subtype=tinyfs"};
  return rpuffs::puffs::RunFilesystemMain(argc, argv, ops, info);
}
