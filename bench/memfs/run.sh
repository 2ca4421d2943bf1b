#!/usr/bin/env bash
# Mounts rpuffs-memfs on a temp dir, runs fs_bench on it (and on tmpfs for
# comparison), unmounts. Usage: bench/memfs/run.sh [BUILD_DIR] [FILES] [FILE_MIB] [MOUNT_OPTS]
# MOUNT_OPTS go to rpuffs-memfs as -o (e.g. no_handle_killpriv, writeback_cache,
# attr_timeout=0, negative_timeout=0). FILE_MIB 0 skips the data figures.
# NO_REF=1 skips the tmpfs reference; MEMFS=PATH runs another rpuffs-memfs binary
# (e.g. an older build, for A/B runs).
set -euo pipefail
BUILD=${1:-build}
FILES=${2:-10000}
MIB=${3:-1024}
OPTS=${4:-}
MEMFS=${MEMFS:-$BUILD/client/memfs/rpuffs-memfs}
BENCH=$BUILD/bench/memfs/fs_bench
MNT=$(mktemp -d /tmp/memfs-bench.XXXXXX)
cleanup() {
  fusermount3 -u "$MNT" 2>/dev/null || true
  rmdir "$MNT" 2>/dev/null || true
}
trap cleanup EXIT
"$MEMFS" "$MNT" ${OPTS:+-o "$OPTS"}   # returns once mounted
echo "== rpuffs-memfs ($MNT) ${OPTS:+-o $OPTS} load: $(cut -d' ' -f1-3 /proc/loadavg)"
"$BENCH" "$MNT" "$FILES" "$MIB"
fusermount3 -u "$MNT"
if [ -d /dev/shm ] && [ -z "${NO_REF:-}" ]; then
  REF=$(mktemp -d /dev/shm/memfs-bench-ref.XXXXXX)
  echo "== tmpfs reference ($REF)"
  "$BENCH" "$REF" "$FILES" "$MIB"
  rm -rf "$REF"
fi
