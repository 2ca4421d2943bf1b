#!/bin/bash
# rpuffsd CPU per call: RUNS times, a fresh rpuffsd (temp data dir, free
# loopback port) driven by one rpuffs-load mdtest run; prints each run's calls,
# rpuffsd CPU seconds (utime+stime from /proc/PID/stat), microseconds of
# rpuffsd CPU per call, the load tool's CPU per call, and the mdtest rates
# (creates/s and stats/s, private and shared directory). CPU per call is far
# steadier than ops/s on a shared machine.
# Usage: bench/server/cpu_per_call.sh [BUILD_DIR] [RUNS] [CLIENTS] [FILES_PER_CLIENT]
# WORKLOAD=seqio|randio|smallfiles|mixed runs that rpuffs-load workload instead
# (LOAD_ARGS: its extra flags, default "--files-per-client FILES_PER_CLIENT");
# WORKLOAD=getattr drives GetAttr of the root instead (bench_server_grpc
# --getattr-only, GETATTR_OPS calls, default 100000, 32 in flight, one
# channel): nearly all of that is gRPC and the handler, hardly any storage.
# SERVER_ENV="VAR=VALUE ..." is set for rpuffsd only (A/B runs, e.g. GLIBC_TUNABLES).
# PERF=1 also records a cpu-clock profile of rpuffsd during the last run and
# prints `perf report --no-children --sort dso` and `--sort dso,sym` (top lines);
# PERF_KEEP=FILE keeps the perf.data.
set -euo pipefail
BUILD=${1:-build}
RUNS=${2:-3}
CLIENTS=${3:-16}
FILES=${4:-500}
SERVER=$BUILD/server/rpuffsd
LOAD=$BUILD/client/load/rpuffs-load
WORKLOAD=${WORKLOAD:-mdtest}
GETATTR_OPS=${GETATTR_OPS:-100000}
LOAD_ARGS=${LOAD_ARGS:---files-per-client $FILES}
[ "$WORKLOAD" != getattr ] || LOAD=$BUILD/bench/server/bench_server_grpc
for tool in "$SERVER" "$LOAD" jq; do
  command -v "$tool" > /dev/null || { echo "cpu_per_call: $tool missing" >&2; exit 2; }
done
TCK=$(getconf CLK_TCK)
WORK=$(mktemp -d /tmp/rpuffs-cpu-per-call.XXXXXX)
SERVER_PID=""
stop_server() {
  [ -n "$SERVER_PID" ] || return 0
  kill -TERM "$SERVER_PID" 2> /dev/null || true
  wait "$SERVER_PID" 2> /dev/null || true
  SERVER_PID=""
}
trap 'stop_server; rm -rf "$WORK"' EXIT

# shellcheck source=free_port.sh
source "$(dirname "$0")/free_port.sh"
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
rate() { jq -r --arg op "$1" '.operations[] | select(.name == $op) | .ops_per_s | floor' "$WORK/out.json"; }

TIMEFORMAT='%U %S'
for run in $(seq "$RUNS"); do
  rm -rf "$WORK/data"
  PORT=$(free_port)
  # shellcheck disable=SC2086
  env ${SERVER_ENV:-} "$SERVER" --data "$WORK/data" --listen "127.0.0.1:$PORT" --log-level warn 2> "$WORK/server.log" &
  SERVER_PID=$!
  for _ in $(seq 100); do (exec 3<> "/dev/tcp/127.0.0.1/$PORT") 2> /dev/null && break; sleep 0.1; done
  PERF_PID=""
  if [ "${PERF:-0}" = 1 ] && [ "$run" = "$RUNS" ]; then
    perf record -q -e cpu-clock -g -o "$WORK/perf.data" -p "$SERVER_PID" 2> /dev/null &
    PERF_PID=$!
    sleep 0.5
  fi
  c0=$(cpu_ticks "$SERVER_PID")
  if [ "$WORKLOAD" != getattr ]; then
    # shellcheck disable=SC2086
    load_cpu=$({ time "$LOAD" --server "127.0.0.1:$PORT/default" --workload "$WORKLOAD" --clients "$CLIENTS" \
      $LOAD_ARGS --json "$WORK/out.json" > "$WORK/load.txt" 2>&1; } 2>&1)
  else
    load_cpu=$({ time "$LOAD" --server "127.0.0.1:$PORT" --getattr-only --ops "$GETATTR_OPS" \
      > "$WORK/load.txt" 2>&1; } 2>&1)
  fi
  c1=$(cpu_ticks "$SERVER_PID")
  if [ -n "$PERF_PID" ]; then kill -INT "$PERF_PID"; wait "$PERF_PID" || true; fi
  stop_server
  if [ "$WORKLOAD" = mdtest ]; then
    calls=$(jq .totals.calls "$WORK/out.json")
    rates="errors=$(jq .totals.errors "$WORK/out.json") create/s=$(rate create)"
    rates="$rates shared.create/s=$(rate shared.create) stat/s=$(rate stat) shared.stat/s=$(rate shared.stat)"
  elif [ "$WORKLOAD" != getattr ]; then
    calls=$(jq .totals.calls "$WORK/out.json")
    rates="errors=$(jq .totals.errors "$WORK/out.json") $(jq -r '.operations[] | select(.mb_per_s > 0) |
      "\(.name)=\(.mb_per_s | floor)MB/s"' "$WORK/out.json" | tr '\n' ' ')"
  else
    calls=$GETATTR_OPS
    rates=$(tr -s ' ' < "$WORK/load.txt" | tr '\n' ' ')
  fi
  echo "run=$run load_avg=$(cut -d' ' -f1 /proc/loadavg) calls=$calls" \
    "rpuffsd_cpu_s=$(echo "scale=2; ($c1 - $c0) / $TCK" | bc)" \
    "rpuffsd_us_per_call=$(echo "scale=1; ($c1 - $c0) * 1000000 / $TCK / $calls" | bc)" \
    "load_us_per_call=$(echo "$load_cpu" | awk -v n="$calls" '{printf "%.1f", ($1 + $2) * 1e6 / n}')" \
    "$rates"
done
if [ "${PERF:-0}" = 1 ]; then
  [ -z "${PERF_KEEP:-}" ] || cp "$WORK/perf.data" "$PERF_KEEP"
  for sort in dso dso,sym; do
    perf report -i "$WORK/perf.data" --no-children --sort "$sort" -g none 2> /dev/null | grep '%' | grep -v '^#' |
      head -30 || true
  done
fi
