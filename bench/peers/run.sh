#!/usr/bin/env bash
# bench/peers/run.sh — rpuffs vs rpuffs-memfs (and, with --peers, sshfs and GlusterFS) side by
# side in one run, with the shared peer workload ../shared/bench-peers/bench.sh.
#
# Usage: bench/peers/run.sh [--peers] [--install] [BUILD_DIR]
#   BUILD_DIR   holds server/rpuffsd, client/rpuffs/rpuffs, client/memfs/rpuffs-memfs
#               (default /work/main/build-peers if it exists, else ./build). Builds nothing.
#   --peers     also bring up sshfs + gluster with setup-peers.sh (`up sshfs gluster`), bench
#               them, and `setup-peers.sh down` at the end.
#   --install   run `setup-peers.sh install` first (apt; once per machine).
# Environment:
#   TESTS       bench.sh tests for rpuffs and memfs (default "md ls fio untar")
#   PEER_TESTS  bench.sh tests for the peers (default: $TESTS)
#   FS          which filesystems, in run order (default "rpuffs memfs sshfs gluster";
#               sshfs/gluster only with --peers)
#   RESULTS     JSON lines file, appended to (default bench/peers/results.jsonl)
#   TABLE       markdown table written at the end (default: next to RESULTS, .md)
#   RUNID       run id stored in every line (default peers-<UTC time>)
#   FS_TIMEOUT  seconds one filesystem's bench.sh may take before it is killed (default 1500)
#   RPUFFS_OPTS extra -o options for the rpuffs mount (allow_other is always given)
#   RPUFFS_ARGS, MEMFS_ARGS  extra command-line arguments for rpuffs / rpuffs-memfs (e.g.
#               "--poll-us 0", for A/B runs)
# Each filesystem's run is framed by two "load" lines (uptime load averages before/after).
# Everything started here is stopped on exit, Ctrl-C included: mounts, rpuffsd, temp dirs,
# and the peers when this script brought them up. Each step is bounded in time.
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
SHARED=$(cd "$ROOT/../shared/bench-peers" 2>/dev/null && pwd) ||
  { echo "run.sh: $ROOT/../shared/bench-peers not found" >&2; exit 2; }

WITH_PEERS=0; INSTALL=0; BUILD=""
for a in "$@"; do
  case $a in
    --peers) WITH_PEERS=1 ;;
    --install) INSTALL=1 ;;
    -h|--help) sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "run.sh: unknown flag $a" >&2; exit 2 ;;
    *) BUILD=$a ;;
  esac
done
if [ -z "$BUILD" ]; then
  BUILD=/work/main/build-peers; [ -d "$BUILD" ] || BUILD=./build
fi
BUILD=$(cd "$BUILD" && pwd) || { echo "run.sh: no build dir" >&2; exit 2; }
SERVER=$BUILD/server/rpuffsd
RPUFFS=$BUILD/client/rpuffs/rpuffs
MEMFS=$BUILD/client/memfs/rpuffs-memfs
TESTS=${TESTS:-md ls fio untar}
PEER_TESTS=${PEER_TESTS:-$TESTS}
FS=${FS:-rpuffs memfs sshfs gluster}
RESULTS=${RESULTS:-$HERE/results.jsonl}
TABLE=${TABLE:-${RESULTS%.jsonl}.md}
export RUNID=${RUNID:-peers-$(date -u +%Y%m%dT%H%M%S)}
FS_TIMEOUT=${FS_TIMEOUT:-1500}
for t in "$SERVER" "$RPUFFS" "$MEMFS"; do
  [ -x "$t" ] || { echo "run.sh: $t is not built" >&2; exit 2; }
done
case $RESULTS in "$SHARED"/*) echo "run.sh: RESULTS must not be under shared/" >&2; exit 2 ;; esac

say() { echo "[peers $(date -u +%H:%M:%S)] $*" >&2; }

WORK=$(mktemp -d /tmp/rpuffs-peers.XXXXXX)
SERVER_PID=""; RPUFFS_PID=""; MEMFS_PID=""; PEERS_UP=0

# Unmount $1 served by pid $2: fusermount3 -u, then kill the daemon and lazy-unmount.
unmount_fuse() {
  local mnt=$1 pid=$2
  if mountpoint -q "$mnt"; then
    timeout 30 fusermount3 -u "$mnt" 2>/dev/null || timeout 30 umount "$mnt" 2>/dev/null ||
      { [ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null; timeout 30 umount -l "$mnt"; }
  fi
  [ -n "$pid" ] && stop_pid "$pid"
}

# Ends process $1 (TERM, up to 5 s, then KILL).
stop_pid() {
  local pid=$1
  kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null; return 0; }
  kill -TERM "$pid" 2>/dev/null
  for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  return 0
}

cleanup() {
  trap - EXIT INT TERM
  say "cleaning up"
  unmount_fuse "$WORK/rpuffs" "$RPUFFS_PID"
  unmount_fuse "$WORK/memfs" "$MEMFS_PID"
  [ -n "$SERVER_PID" ] && stop_pid "$SERVER_PID"
  if [ "$PEERS_UP" = 1 ]; then timeout 180 "$SHARED/setup-peers.sh" down >&2; fi
  # the daemons' logs, when they said anything, stay next to the results
  for f in server rpuffs memfs; do
    [ -s "$WORK/$f.log" ] && cp "$WORK/$f.log" "${RESULTS%.jsonl}.$f.log"
  done
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'say "interrupted"; exit 130' INT TERM

free_port() {
  local p
  for _ in $(seq 100); do
    p=$((20000 + RANDOM % 40000))
    ss -Hltn "sport = :$p" | grep -q . || { echo "$p"; return 0; }
  done
  return 1
}

# Waits (up to $2 s) until $1 is a mount point; fails early if pid $3 exits.
wait_mounted() {
  local mnt=$1 secs=$2 pid=$3
  for _ in $(seq $((secs * 10))); do
    mountpoint -q "$mnt" && return 0
    kill -0 "$pid" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}

start_server() {
  local port
  mkdir -p "$WORK/data"
  for _ in 1 2 3; do
    port=$(free_port) || break
    "$SERVER" --data "$WORK/data" --listen "127.0.0.1:$port" --log-level warn >> "$WORK/server.log" 2>&1 &
    SERVER_PID=$!
    for _ in $(seq 100); do
      (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && { SERVER_ADDR=127.0.0.1:$port; return 0; }
      kill -0 "$SERVER_PID" 2>/dev/null || break
      sleep 0.1
    done
    stop_pid "$SERVER_PID"; SERVER_PID=""
  done
  say "rpuffsd did not start:"; cat "$WORK/server.log" >&2
  return 1
}

mount_rpuffs() {
  mkdir -p "$WORK/rpuffs"
  "$RPUFFS" "$SERVER_ADDR" "$WORK/rpuffs" -f ${RPUFFS_ARGS:-} -o "allow_other${RPUFFS_OPTS:+,$RPUFFS_OPTS}" \
    > "$WORK/rpuffs.log" 2>&1 &
  RPUFFS_PID=$!
  wait_mounted "$WORK/rpuffs" 20 "$RPUFFS_PID" || { say "rpuffs mount failed:"; cat "$WORK/rpuffs.log" >&2; return 1; }
}

mount_memfs() {
  mkdir -p "$WORK/memfs"
  "$MEMFS" "$WORK/memfs" -f ${MEMFS_ARGS:-} -o allow_other > "$WORK/memfs.log" 2>&1 &
  MEMFS_PID=$!
  wait_mounted "$WORK/memfs" 20 "$MEMFS_PID" || { say "rpuffs-memfs mount failed:"; cat "$WORK/memfs.log" >&2; return 1; }
}

emit_load() {  # LABEL PHASE
  python3 "$SHARED/mdbench.py" emit "$RESULTS" ts="\"$(date -Is)\"" run_id="\"$RUNID\"" label="\"$1\"" \
    test='"load"' phase="\"$2\"" loadavg="\"$(cut -d' ' -f1-3 /proc/loadavg)\"" uptime="\"$(uptime)\""
}

# bench LABEL MOUNTDIR TESTS: one bounded bench.sh run, framed by load lines.
bench() {
  local label=$1 mnt=$2 tests=$3 rc
  mountpoint -q "$mnt" || { say "$label: $mnt is not mounted, skipped"; SKIPPED="$SKIPPED $label"; return 1; }
  say "$label: bench.sh $mnt ($tests), load $(cut -d' ' -f1-3 /proc/loadavg)"
  emit_load "$label" before
  RESULTS=$RESULTS timeout -k 30 "$FS_TIMEOUT" "$SHARED/bench.sh" "$mnt" "$label" "$tests"
  rc=$?
  emit_load "$label" after
  [ $rc -eq 0 ] || { say "$label: bench.sh exited $rc"; FAILED="$FAILED $label(rc=$rc)"; }
  return 0
}

FAILED=""; SKIPPED=""
mkdir -p "$(dirname "$RESULTS")"
if [ "$WITH_PEERS" = 1 ]; then
  if [ "$INSTALL" = 1 ]; then timeout 1300 "$SHARED/setup-peers.sh" install >&2 || say "install failed"; fi
  PEERS_UP=1
  timeout 300 "$SHARED/setup-peers.sh" up sshfs gluster >&2 || say "some peers did not come up"
fi
start_server || exit 1
mount_rpuffs || exit 1
mount_memfs || exit 1
say "run $RUNID: rpuffsd $SERVER_ADDR, rpuffs at $WORK/rpuffs, memfs at $WORK/memfs; results $RESULTS"

for fs in $FS; do
  case $fs in
    rpuffs) bench rpuffs "$WORK/rpuffs" "$TESTS" ;;
    memfs) bench rpuffs-memfs "$WORK/memfs" "$TESTS" ;;
    sshfs|gluster)
      [ "$WITH_PEERS" = 1 ] || { say "$fs: needs --peers, skipped"; continue; }
      bench "$fs" "/tmp/peers/$fs" "$PEER_TESTS" ;;
    *) say "unknown filesystem $fs" ;;
  esac
  # a daemon that died under the workload is a result too
  for p in "rpuffs:$RPUFFS_PID" "rpuffsd:$SERVER_PID" "rpuffs-memfs:$MEMFS_PID"; do
    case $FAILED in *"${p%%:*}(died"*) continue ;; esac
    kill -0 "${p#*:}" 2>/dev/null || { say "${p%%:*} died (during or before $fs)"; FAILED="$FAILED ${p%%:*}(died during/before $fs)"; }
  done
done

python3 "$SHARED/make_table.py" "$RESULTS" > "$TABLE" && say "table: $TABLE"
cat "$TABLE"
[ -z "$SKIPPED" ] || say "skipped:$SKIPPED"
[ -z "$FAILED" ] || { say "failed:$FAILED"; exit 1; }
exit 0
