#!/usr/bin/env bash
# The main job on an embedded default: install what is needed, build, install
# the binaries into /usr/local, start a local rpuffsd on a data dir, and mount
# its default volume.
#
#   bash scripts/run.sh            start (idempotent: reuses what already runs)
#   bash scripts/run.sh --stop     unmount and stop the server
#
# Environment: RPUFFS_DATA (default /var/lib/rpuffs), RPUFFS_LISTEN (default
# 127.0.0.1:7420), RPUFFS_MOUNT (default /mnt/rpuffs).
set -euo pipefail
cd "$(dirname "$0")/.."

DATA=${RPUFFS_DATA:-/var/lib/rpuffs}
LISTEN=${RPUFFS_LISTEN:-127.0.0.1:7420}
MNT=${RPUFFS_MOUNT:-/mnt/rpuffs}
PIDFILE=/run/rpuffsd-embedded.pid
LOG=/var/log/rpuffsd-embedded.log

is_mounted() { awk -v m="$1" '$2 == m { found = 1 } END { exit !found }' /proc/mounts; }

stop() {
  if is_mounted "$MNT"; then
    fusermount3 -u "$MNT" 2>/dev/null || umount -l "$MNT" || true
  fi
  if [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; then
    kill -TERM "$(cat "$PIDFILE")"
    for _ in $(seq 50); do kill -0 "$(cat "$PIDFILE")" 2>/dev/null || break; sleep 0.1; done
  fi
  rm -f "$PIDFILE"
  echo "rpuffs: stopped"
}

if [ "${1:-}" = "--stop" ]; then stop; exit 0; fi
if [ $# -gt 0 ]; then echo "usage: $0 [--stop]" >&2; exit 2; fi

bash scripts/install-deps.sh
bash scripts/build.sh
cmake --install build >/dev/null

mkdir -p "$DATA"
if [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; then
  echo "rpuffsd: already running (pid $(cat "$PIDFILE"))"
else
  nohup /usr/local/bin/rpuffsd --data "$DATA" --listen "$LISTEN" >>"$LOG" 2>&1 &
  echo $! >"$PIDFILE"
  # Wait until it listens (or died).
  port=${LISTEN##*:}
  for _ in $(seq 100); do
    if ! kill -0 "$(cat "$PIDFILE")" 2>/dev/null; then
      echo "rpuffsd failed to start; last log lines:" >&2; tail -n 5 "$LOG" >&2; exit 1
    fi
    ss -ltn "sport = :$port" 2>/dev/null | grep -q LISTEN && break
    sleep 0.1
  done
  echo "rpuffsd: serving $DATA on $LISTEN (pid $(cat "$PIDFILE"), log $LOG)"
fi

if [ -x /usr/local/bin/rpuffs ]; then
  mkdir -p "$MNT"
  if is_mounted "$MNT"; then
    echo "rpuffs: $MNT already mounted"
  else
    /usr/local/bin/rpuffs "$LISTEN/default" "$MNT" -o allow_other
    echo "rpuffs: volume default mounted on $MNT"
  fi
  df -h "$MNT" | tail -n 1
else
  echo "rpuffs: mount daemon not built in this tree yet; only the server runs"
fi
echo "stop with: bash scripts/run.sh --stop"
