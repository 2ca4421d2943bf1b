#!/usr/bin/env bash
# bench/load/run_matrix.sh [BUILD_DIR] — the standard rpuffs-load matrix.
#
# Starts a fresh rpuffsd (temp data dir, free loopback port), runs every
# workload with 1, 4, 16 and 64 clients straight against it (short, bounded
# runs), collects the JSON, and writes bench/load/RESULTS.md (tables, the
# mdtest aim, a CPU profile of the server when `perf` exists) and
# bench/load/load_matrix.svg and .png (throughput and latency vs clients, gnuplot).
# Stops the server on exit, whatever happens. Needs jq and gnuplot
# (scripts/install-deps.sh). Environment knobs: DURATION (seconds per
# open-ended run, default 5), CLIENTS ("1 4 16 64"), WORKLOADS, OUT (dir).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
BUILD=${1:-$ROOT/build-load}
LOAD=$BUILD/client/load/rpuffs-load
SERVER=$BUILD/server/rpuffsd
DURATION=${DURATION:-5}
CLIENTS=${CLIENTS:-"1 4 16 64"}
WORKLOADS=${WORKLOADS:-"mdtest seqio randio smallfiles mixed coherence"}
OUT=${OUT:-$HERE}
for tool in "$LOAD" "$SERVER"; do [ -x "$tool" ] || { echo "run_matrix: $tool is not built" >&2; exit 2; }; done
for tool in jq gnuplot; do command -v $tool >/dev/null || { echo "run_matrix: $tool missing (scripts/install-deps.sh)" >&2; exit 2; }; done

WORK=$(mktemp -d /tmp/rpuffs-matrix.XXXXXX)
SERVER_PID=""
cleanup() {
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID"
    for _ in $(seq 50); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

# shellcheck source=../server/free_port.sh
source "$ROOT/bench/server/free_port.sh"

PORT=$(free_port)
ADDR=127.0.0.1:$PORT
mkdir -p "$WORK/data" "$WORK/json" "$WORK/log"
"$SERVER" --data "$WORK/data" --listen "$ADDR" --log-level warn > "$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 100); do (exec 3<>/dev/tcp/127.0.0.1/"$PORT") 2>/dev/null && break; sleep 0.1; done
(exec 3<>/dev/tcp/127.0.0.1/"$PORT") 2>/dev/null || { echo "run_matrix: rpuffsd did not start" >&2; cat "$WORK/server.log" >&2; exit 1; }

args_for() {  # workload -> its flags in the matrix
  case $1 in
    mdtest) echo "--files-per-client 200 --duration 120" ;;
    seqio) echo "--files-per-client 1 --file-size 4M --duration 120" ;;
    randio) echo "--files-per-client 2 --file-size 1M --duration $DURATION" ;;
    smallfiles) echo "--files-per-client 64 --duration 120" ;;
    mixed) echo "--files-per-client 8 --file-size 64K --duration $DURATION" ;;
    coherence) echo "--duration $DURATION" ;;
  esac
}

TIMEFORMAT='%U %S'  # `time` below: the load tool's user and system CPU seconds
LOADAVG=$(cut -d' ' -f1-3 /proc/loadavg)
server_cpu_ticks() { awk '{print $14 + $15}' "/proc/$SERVER_PID/stat"; }

FAILED_RUNS=""
for w in $WORKLOADS; do
  for n in $CLIENTS; do
    [ "$w" = coherence ] && [ "$n" -lt 2 ] && continue
    echo "run_matrix: $w with $n clients" >&2
    t0=$(server_cpu_ticks)
    # shellcheck disable=SC2046
    if ! { time "$LOAD" --server "$ADDR" --clients "$n" --workload "$w" $(args_for "$w") \
        --json "$WORK/json/$w-$n.json" > "$WORK/log/$w-$n.txt" 2>&1; } 2> "$WORK/log/$w-$n.ccpu"; then
      FAILED_RUNS="$FAILED_RUNS $w/$n"
    fi
    echo $(( $(server_cpu_ticks) - t0 )) > "$WORK/log/$w-$n.cpu"
  done
done

# The aim's run again under perf (server and tool), when perf is there.
PROFILE=""
CLIENT_PROFILE=""
top_of() { perf report -i "$1" --stdio --no-children --sort "$2" 2>/dev/null | grep -v '^#' | grep -v '^$' | head -"$3" | cut -c1-140 || true; }
if command -v perf >/dev/null 2>&1; then
  perf record -F 499 -p "$SERVER_PID" -o "$WORK/perf.data" -- sleep 600 > /dev/null 2>&1 &
  PERF_PID=$!
  sleep 1
  perf record -F 499 -o "$WORK/perf-client.data" -- \
    "$LOAD" --server "$ADDR" --clients 16 --workload mdtest --files-per-client 200 > /dev/null 2>&1 || true
  kill -INT "$PERF_PID" 2>/dev/null || true
  wait "$PERF_PID" 2>/dev/null || true
  PROFILE=$(top_of "$WORK/perf.data" dso 8; echo; top_of "$WORK/perf.data" sym 20)
  CLIENT_PROFILE=$(top_of "$WORK/perf-client.data" dso 8; echo; top_of "$WORK/perf-client.data" sym 12)
fi

. "$HERE/report_matrix.sh"
write_results "$OUT/RESULTS.md"
write_plot "$OUT/load_matrix.svg"
echo "run_matrix: wrote $OUT/RESULTS.md and $OUT/load_matrix.{svg,png}" >&2
[ -z "$FAILED_RUNS" ] || { echo "run_matrix: failed runs:$FAILED_RUNS" >&2; exit 1; }
