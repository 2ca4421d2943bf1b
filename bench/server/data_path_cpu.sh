#!/bin/bash
# CPU per unit of data through a real mount: RUNS times, a fresh rpuffsd
# (temp data dir, free loopback port) and a fresh `rpuffs ... -f` mount of it;
# then
#   write: dd if=/dev/zero of=MNT/f bs=1M count=1024 conv=fsync
#   seqread: drop caches, dd of=/dev/null bs=1M of that file (cold read)
#   read:  drop caches, then fio 4 KiB random reads of that file with the
#          options of ../shared/bench-peers/bench.sh (psync, iodepth 1,
#          4 jobs, group reporting), time based (READ_SECONDS, default 15)
# and prints, per run, the CPU seconds (utime+stime from /proc/PID/stat) of
# rpuffsd and of the mount daemon per GiB written (until rpuffsd is idle
# again, so the flushes after the burst count) and per 1,000 fio reads,
# plus the bytes the mount daemon wrote to /dev/fuse per fio read (read
# amplification: 4096 means every read fetched just its own page).
# CPU per unit is steady on a shared machine; the MB/s and IOPS are not.
# Usage: bench/server/data_path_cpu.sh [BUILD_DIR] [RUNS]
# PERF=write|seqread|read records a cpu-clock profile (-g) of both daemons during that
# phase of the last run and prints the top symbols of each (PERF_KEEP=DIR
# keeps the perf.data files). SERVER_ENV="VAR=VALUE ..." is set for rpuffsd.
# MOUNT_OPTS: extra -o options for the mount.
set -euo pipefail
BUILD=${1:-build}
RUNS=${2:-3}
READ_SECONDS=${READ_SECONDS:-15}
SERVER=$BUILD/server/rpuffsd
CLIENT=$BUILD/client/rpuffs/rpuffs
for tool in "$SERVER" "$CLIENT" fio jq dd; do
  command -v "$tool" > /dev/null || { echo "data_path_cpu: $tool missing" >&2; exit 2; }
done
TCK=$(getconf CLK_TCK)
WORK=$(mktemp -d /tmp/rpuffs-data-path.XXXXXX)
MNT=$WORK/mnt
SERVER_PID="" CLIENT_PID="" PERF_PIDS=""
stop_all() {
  for p in $PERF_PIDS; do kill -INT "$p" 2> /dev/null || true; wait "$p" 2> /dev/null || true; done
  PERF_PIDS=""
  if mountpoint -q "$MNT"; then fusermount3 -u "$MNT" || umount -l "$MNT" || true; fi
  if [ -n "$CLIENT_PID" ]; then kill -TERM "$CLIENT_PID" 2> /dev/null || true; wait "$CLIENT_PID" 2> /dev/null || true; fi
  if [ -n "$SERVER_PID" ]; then kill -TERM "$SERVER_PID" 2> /dev/null || true; wait "$SERVER_PID" 2> /dev/null || true; fi
  CLIENT_PID="" SERVER_PID=""
}
trap 'stop_all; rm -rf "$WORK"' EXIT

# shellcheck source=free_port.sh
source "$(dirname "$0")/free_port.sh"
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
minflt() { awk '{print $10}' "/proc/$1/stat"; }
wchar() { awk '/^wchar/ {print $2}' "/proc/$1/io"; }
secs() { awk -v t="$1" -v k="$TCK" 'BEGIN {printf "%.2f", t / k}'; }

# Waits (up to 15 s) until rpuffsd has used no CPU for 0.5 s: the memtable
# flushes that follow a write burst belong to the write.
settle() {
  local last now
  last=$(ticks "$SERVER_PID")
  for _ in $(seq 30); do
    sleep 0.5
    now=$(ticks "$SERVER_PID")
    [ "$now" != "$last" ] || return 0
    last=$now
  done
}

perf_start() {  # phase
  [ "${PERF:-}" = "$1" ] && [ "$run" = "$RUNS" ] || return 0
  perf record -q -e cpu-clock -g -o "$WORK/perf.server.data" -p "$SERVER_PID" 2> /dev/null &
  PERF_PIDS="$!"
  perf record -q -e cpu-clock -g -o "$WORK/perf.client.data" -p "$CLIENT_PID" 2> /dev/null &
  PERF_PIDS="$PERF_PIDS $!"
  sleep 0.5
}
perf_stop() {
  [ -n "$PERF_PIDS" ] || return 0
  for p in $PERF_PIDS; do kill -INT "$p"; wait "$p" || true; done
  PERF_PIDS=""
  for who in server client; do
    echo "--- perf $PERF $who (top symbols, self)"
    { perf report -i "$WORK/perf.$who.data" --no-children --sort dso,sym --stdio -g none 2> /dev/null |
      grep -v '^#' | grep '%' | head -"${PERF_LINES:-30}"; } || true
  done
  if [ -n "${PERF_KEEP:-}" ]; then mkdir -p "$PERF_KEEP"; cp "$WORK"/perf.*.data "$PERF_KEEP"/; fi
}

for run in $(seq "$RUNS"); do
  rm -rf "$WORK/data"
  mkdir -p "$MNT"
  PORT=$(free_port)
  # shellcheck disable=SC2086
  env ${SERVER_ENV:-} "$SERVER" --data "$WORK/data" --listen "127.0.0.1:$PORT" --log-level warn 2> "$WORK/server.log" &
  SERVER_PID=$!
  for _ in $(seq 100); do (exec 3<> "/dev/tcp/127.0.0.1/$PORT") 2> /dev/null && break; sleep 0.1; done
  "$CLIENT" "127.0.0.1:$PORT" "$MNT" -f ${MOUNT_OPTS:+-o "$MOUNT_OPTS"} 2> "$WORK/client.log" &
  CLIENT_PID=$!
  for _ in $(seq 100); do mountpoint -q "$MNT" && break; sleep 0.1; done
  mountpoint -q "$MNT" || { echo "data_path_cpu: mount failed" >&2; cat "$WORK/client.log" >&2; exit 1; }

  perf_start write
  s0=$(ticks "$SERVER_PID") c0=$(ticks "$CLIENT_PID") t0=$(date +%s.%N) f0=$(minflt "$SERVER_PID")
  dd if=/dev/zero of="$MNT/f" bs=1M count=1024 conv=fsync status=none
  t1=$(date +%s.%N)
  settle
  s1=$(ticks "$SERVER_PID") c1=$(ticks "$CLIENT_PID") f1=$(minflt "$SERVER_PID")
  perf_stop
  wmbs=$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.0f", 1073.741824 / (b - a)}')
  echo "run $run write: server_cpu_s_per_GiB=$(secs $((s1 - s0))) client_cpu_s_per_GiB=$(secs $((c1 - c0)))" \
    "server_page_faults_per_MiB=$(((f1 - f0) / 1024)) MB/s=$wmbs load=$(cut -d' ' -f1 /proc/loadavg)"

  sync
  echo 3 > /proc/sys/vm/drop_caches
  perf_start seqread
  s0=$(ticks "$SERVER_PID") c0=$(ticks "$CLIENT_PID") t0=$(date +%s.%N)
  dd if="$MNT/f" of=/dev/null bs=1M status=none
  s1=$(ticks "$SERVER_PID") c1=$(ticks "$CLIENT_PID") t1=$(date +%s.%N)
  perf_stop
  echo "run $run seqread: server_cpu_s_per_GiB=$(secs $((s1 - s0))) client_cpu_s_per_GiB=$(secs $((c1 - c0)))" \
    "MB/s=$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.0f", 1073.741824 / (b - a)}') load=$(cut -d' ' -f1 /proc/loadavg)"

  echo 3 > /proc/sys/vm/drop_caches
  perf_start read
  s0=$(ticks "$SERVER_PID") c0=$(ticks "$CLIENT_PID") w0=$(wchar "$CLIENT_PID")
  fio --output-format=json --ioengine=psync --group_reporting=1 --name=rand --filename="$MNT/f" --rw=randread \
    --bs=4k --size=1g --numjobs=4 --iodepth=1 --time_based=1 --runtime="$READ_SECONDS" > "$WORK/fio.json"
  s1=$(ticks "$SERVER_PID") c1=$(ticks "$CLIENT_PID") w1=$(wchar "$CLIENT_PID")
  perf_stop
  ios=$(jq '.jobs[0].read.total_ios' "$WORK/fio.json")
  iops=$(jq '.jobs[0].read.iops | floor' "$WORK/fio.json")
  awk -v s=$((s1 - s0)) -v c=$((c1 - c0)) -v w=$((w1 - w0)) -v n="$ios" -v k="$TCK" -v iops="$iops" \
    -v load="$(cut -d' ' -f1 /proc/loadavg)" -v run="$run" 'BEGIN {
      printf "run %s read: reads=%d server_cpu_ms_per_1k=%.1f client_cpu_ms_per_1k=%.1f fuse_bytes_per_read=%.0f IOPS=%d load=%s\n",
        run, n, s / k * 1000 / (n / 1000), c / k * 1000 / (n / 1000), w / n, iops, load }'
  stop_all
done
