// client/memfs — memfs's own words in the -o mount options.
//
// TakeMemFsOptions() walks a command line, takes memfs's words out of every
// -o value (libfuse would reject them) and applies them to a MemFsOptions:
//   attr_timeout=SECONDS      how long the kernel trusts attributes
//   entry_timeout=SECONDS     how long the kernel trusts a name -> inode
//   negative_timeout=SECONDS  how long the kernel trusts "no such name"
//                             (0: a miss answers ENOENT and nothing is cached)
// The other words, flags and arguments are kept in order. Returns false with
// a one-line reason for a value that is not a non-negative number.
//
// Threading: none (pure functions on their arguments).
#pragma once

#include <string>
#include <vector>

#include "client/memfs/memfs.h"

namespace rpuffs::memfs {

bool TakeMemFsOptions(std::vector<std::string>* args, MemFsOptions* options, std::string* error);

}  // namespace rpuffs::memfs
