// tests/storage — the shared start of the writer binaries the crash tests
// run (crash_writer.cc, crc32c_writer.cc): checks the argument count, opens
// the store at argv[1] and keeps it open in *store. Returns the store's
// "default" volume, or prints why not and exits (2: usage, 1: open failed).
#pragma once

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <utility>

#include "storage/store.h"

namespace rpuffs::storage::testing {

inline Volume* OpenDefaultOrExit(int argc, char** argv, int want_argc, const char* usage,
                                 std::unique_ptr<Store>* store) {
  if (argc != want_argc) {
    std::fprintf(stderr, "usage: %s %s\n", argv[0], usage);
    std::exit(2);
  }
  auto opened = Store::Open(argv[1]);
  if (!opened.ok()) {
    std::fprintf(stderr, "open: %d %s\n", opened.err(), opened.status().message().c_str());
    std::exit(1);
  }
  *store = std::move(opened.value());
  return (*store)->Find("default");
}

}  // namespace rpuffs::storage::testing
