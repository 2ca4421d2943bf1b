// client/rpuffs — the -o options of `rpuffs`: ours are taken out and
// checked, the rest pass through to the FUSE mount.
//
// Ours: token=SECRET, attr_timeout=SEC, entry_timeout=SEC (default 1),
// grace=SEC (default 60), writeback / nowriteback (write-behind, on by
// default, write_behind.h), cache_timeout=SEC (default 60: the kernel's
// timeouts while the server's watch is up, remote_fs.h), watch / nowatch
// (on by default), readaround=BYTES (read_around.h), poll_us=USEC (the
// loop's poll window, as the --poll-us flag). handle_killpriv is on unless no_handle_killpriv. Passed through:
// everything else (ro, noatime, ...); libfuse rejects what it does not
// know. default_permissions is on unless `nodefault_permissions` is given
// (the server checks permissions as well); allow_other is on when root
// mounts, unless `noallow_other` is given. fsname= and subtype=
// default to HOST:PORT/VOLUME and "rpuffs", so the mount shows up as
// fuse.rpuffs. Pure functions, thread-safe.
#pragma once

#include <string>
#include <vector>

#include "client/remote/options.h"
#include "client/rpuffs/remote_fs.h"

namespace rpuffs::client {

struct MountSettings {
  remote::RemoteOptions remote;
  FsSettings fs;
  std::vector<std::string> fuse_options;  // one option each, for the framework
  // -o poll_us=USEC (0..10000): the event loop's poll window (as the
  // --poll-us flag, which it overrides; for fstab lines); -1 if not given.
  int poll_us = -1;
};

// `options` are the -o arguments as given (each may hold commas). Returns
// false with a one-line reason on a bad value or an empty option.
bool ParseMountOptions(const remote::Target& target, const std::vector<std::string>& options,
                       MountSettings* out, std::string* why);

}  // namespace rpuffs::client
