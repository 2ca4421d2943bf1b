#!/usr/bin/env bash
# Mounts rpuffs-memfs in the foreground on a temp dir, writes 1 GiB with
# `dd bs=1M conv=fsync`, and prints dd's rate and the CPU seconds the daemon
# spent (utime+stime from /proc/PID/stat): less sensitive to a loaded
# machine than wall-clock rates. Usage: bench/memfs/write_cpu.sh [BUILD_DIR] [MOUNT_OPTS]
set -euo pipefail
BUILD=${1:-build}
OPTS=${2:-}
MNT=$(mktemp -d /tmp/memfs-cpu.XXXXXX)
"$BUILD/client/memfs/rpuffs-memfs" "$MNT" -f ${OPTS:+-o "$OPTS"} &
PID=$!
cleanup() {
  fusermount3 -u "$MNT" 2>/dev/null || true
  wait "$PID" 2>/dev/null || true
  rmdir "$MNT" 2>/dev/null || true
}
trap cleanup EXIT
for _ in $(seq 200); do mountpoint -q "$MNT" && break; sleep 0.05; done
mountpoint -q "$MNT"
cpu() { awk '{print $14 + $15}' "/proc/$PID/stat"; }
before=$(cpu)
rate=$(dd if=/dev/zero of="$MNT/big" bs=1M count=1024 conv=fsync 2>&1 | tail -1)
after=$(cpu)
ticks=$(getconf CLK_TCK)
echo "opts=${OPTS:-default} load=$(cut -d' ' -f1 /proc/loadavg)" \
  "daemon_cpu_s=$(awk -v a="$before" -v b="$after" -v t="$ticks" 'BEGIN{printf "%.2f", (b-a)/t}')" \
  "dd: ${rate##*, }"
