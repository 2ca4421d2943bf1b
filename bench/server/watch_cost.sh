#!/bin/bash
# What change notices cost rpuffsd: rpuffs-load mdtest (4 clients) against one
# rpuffsd, alternating runs without and with one idle watcher
# (bench_watch_idle), printing each run's wall time, rpuffsd CPU seconds
# (utime+stime from /proc) and what the watcher received.
# Usage: bench/server/watch_cost.sh [BUILD_DIR] [ROUNDS] [FILES_PER_CLIENT]
set -euo pipefail
BUILD=${1:-build}
ROUNDS=${2:-4}
FILES=${3:-3000}
PORT=${PORT:-7561}
WORK=$(mktemp -d /tmp/rpuffs-watch-cost.XXXXXX)
"$BUILD/server/rpuffsd" --data "$WORK/data" --listen "127.0.0.1:$PORT" --log-level warn 2> "$WORK/server.log" &
SERVER=$!
trap 'kill -TERM $SERVER 2>/dev/null; wait $SERVER 2>/dev/null; rm -rf "$WORK"' EXIT
for _ in $(seq 50); do (exec 3<>/dev/tcp/127.0.0.1/$PORT) 2>/dev/null && break; sleep 0.1; done

cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; }
TCK=$(getconf CLK_TCK)
for round in $(seq "$ROUNDS"); do
  for mode in none watcher; do
    watcher=""
    if [ $mode = watcher ]; then
      "$BUILD/bench/server/bench_watch_idle" --server "127.0.0.1:$PORT" > "$WORK/watch.out" &
      watcher=$!
      sleep 0.5
    fi
    c0=$(cpu $SERVER); t0=$(date +%s.%N)
    out=$("$BUILD/client/load/rpuffs-load" --server "127.0.0.1:$PORT/default" --workload mdtest --clients 4 \
      --files-per-client "$FILES" 2>&1)
    t1=$(date +%s.%N); c1=$(cpu $SERVER)
    received=""
    if [ -n "$watcher" ]; then
      kill -TERM "$watcher"; wait "$watcher"
      received="watcher: $(cat "$WORK/watch.out")"
    fi
    echo "round=$round mode=$mode load=$(cut -d' ' -f1 /proc/loadavg)" \
      "wall_s=$(echo "$t1 - $t0" | bc) server_cpu_s=$(echo "scale=2; ($c1 - $c0) / $TCK" | bc)" \
      "$(echo "$out" | grep -o 'errors=[0-9]*') $received"
  done
done
