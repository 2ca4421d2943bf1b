# bench/load/report_matrix.sh — sourced by run_matrix.sh: turns the JSON in
# $WORK/json (one file per workload-clients run) into RESULTS.md tables and
# the gnuplot plot (SVG, plus a PNG of the same). Reads WORK, CLIENTS, WORKLOADS, DURATION, FAILED_RUNS,
# PROFILE, CLIENT_PROFILE, LOADAVG from the caller.

cpu_s() {  # seconds of CPU: server ticks file (.cpu) or `time` output (.ccpu)
  local base=$WORK/log/$1-$2
  case $3 in
    server) awk '{ printf "%.2f", $1 / 100 }' "$base.cpu" 2>/dev/null || echo 0 ;;
    client) awk 'NF == 2 { printf "%.2f", $1 + $2 }' "$base.ccpu" 2>/dev/null || echo 0 ;;
  esac
}

json_of() { echo "$WORK/json/$1-$2.json"; }

# op_field WORKLOAD CLIENTS OP FIELD(jq path under the op) -> value or empty
op_field() {
  local f; f=$(json_of "$1" "$2")
  [ -s "$f" ] || return 0
  jq -r --arg op "$3" ".operations[] | select(.name == \$op) | $4" "$f"
}

# series WORKLOAD OP FIELD [SCALE] -> "clients value" lines
series() {
  local n v
  for n in $CLIENTS; do
    v=$(op_field "$1" "$n" "$2" "$3")
    if [ -n "$v" ]; then awk -v n="$n" -v v="$v" -v s="${4:-1}" 'BEGIN { printf "%d %.3f\n", n, v * s }'; fi
  done
}

run_rows() {
  local w n f
  for w in $WORKLOADS; do
    for n in $CLIENTS; do
      f=$(json_of "$w" "$n")
      [ -s "$f" ] || continue
      jq -r --arg n "$n" --arg scpu "$(cpu_s "$w" "$n" server)" --arg ccpu "$(cpu_s "$w" "$n" client)" \
        '"| \(.parameters.workload) | \($n) | \(.elapsed_s) | \(.totals.calls) | \((.totals.calls / .elapsed_s) | floor) | \($scpu) | \($ccpu) | \(.totals.errors) | \(.totals.mismatches) | \(.totals.stale_reads) | \(if .totals.ok then "ok" else "FAILED" end) |"' "$f"
    done
  done
}

op_rows() {
  local w=$1 n f
  for n in $CLIENTS; do
    f=$(json_of "$w" "$n")
    [ -s "$f" ] || continue
    jq -r --arg n "$n" '.operations[] | select(.name != "setup.mkdir" and .name != "teardown.rmdir")
      | def r1: . * 10 | round / 10;
        [$n, .name, .count, (.ops_per_s | round), (.mb_per_s * 100 | round / 100),
         (.latency_us.p50 | r1), (.latency_us.p90 | r1), (.latency_us.p99 | r1),
         (.latency_us.p99_9 | r1), (.latency_us.max | r1),
         (((.errors | to_entries | map("\(.key):\(.value)") | join(" ")) +
           (if .mismatches > 0 then " mismatches:\(.mismatches)" else "" end) +
           (if .stale_reads > 0 then " stale:\(.stale_reads)" else "" end)) | if . == "" then "-" else . end)]
      | map(tostring) | "| " + join(" | ") + " |"' "$f"
  done
}

aim_row() {  # label op aim
  local v; v=$(op_field mdtest 16 "$2" .ops_per_s)
  [ -n "$v" ] || { echo "| $1 | not measured | $3 | - |"; return; }
  awk -v l="$1" -v v="$v" -v a="$3" 'BEGIN { printf "| %s | %.0f | %d | %s |\n", l, v, a, (v >= a ? "yes" : "no") }'
}

# What bounds the mdtest-16 run: CPU of both processes against wall time.
aim_bounds() {
  local f; f=$(json_of mdtest 16)
  [ -s "$f" ] || return 0
  local calls wall scpu ccpu
  calls=$(jq -r .totals.calls "$f"); wall=$(jq -r .elapsed_s "$f")
  scpu=$(cpu_s mdtest 16 server); ccpu=$(cpu_s mdtest 16 client)
  awk -v c="$calls" -v w="$wall" -v s="$scpu" -v k="$ccpu" -v cores="$(nproc)" 'BEGIN {
    t = s + k; if (t <= 0 || c <= 0) exit
    printf "What bounds it (averages over all the run'"'"'s calls): the run made %d calls in %.2f s. rpuffsd used %.2f CPU s (%.0f us per call), rpuffs-load %.2f CPU s (%.0f us per call):\n", c, w, s, s * 1e6 / c, k, k * 1e6 / c
    printf "together they kept %.2f of the %d cores busy; the rest of the time they waited, most likely for a CPU on this shared\n", t / w, cores
    printf "machine (see the load average above). On an idle machine the same\n"
    printf "CPU cost per call would cap the pair at ~%.0f calls/s, i.e. ~%.0f creates/s (a create is two calls: Create and Release)\n", cores * c / t, cores * c / t / 2
    printf "and ~%.0f stats/s: the aim needs less CPU per call (gRPC in both processes, RocksDB'"'"'s memtable in rpuffsd; profiles\n", cores * c / t
    printf "below), not only a quieter machine.\n"
  }'
}

write_profiles() {
  echo "CPU profiles of that run: \`perf record -F 499\` on rpuffsd (\`-p\`) and on rpuffs-load, then"
  echo "\`perf report --no-children --sort dso\` and \`--sort sym\` (top entries). rpuffsd:"
  echo
  echo '```'
  echo "$PROFILE"
  echo '```'
  echo
  if grep -q GraphCycles <<< "$PROFILE"; then
    echo "GraphCycles above is abseil's mutex deadlock detection: Debian's abseil is built without NDEBUG,"
    echo "so every gRPC lock feeds it; \`absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore)\`"
    echo "at start-up turns it off (rpuffs-load does, in client/load/main.cc)."
    echo
  fi
  echo "rpuffs-load:"
  echo
  echo '```'
  echo "$CLIENT_PROFILE"
  echo '```'
  echo
}

# Dated sections written by hand (measurements outside the matrix) follow
# this line in RESULTS.md; a new matrix run keeps them.
KEPT_MARKER="<!-- Dated sections below are kept when run_matrix.sh rewrites this file. -->"

write_results() {
  local out=$1 kept=""
  [ -f "$out" ] && kept=$(sed -n "/^$KEPT_MARKER\$/,\$p" "$out")
  {
    echo "# rpuffs-load: the standard matrix"
    echo
    echo "Generated by \`bench/load/run_matrix.sh\` on $(date -u '+%Y-%m-%d %H:%M UTC'), commit"
    echo "$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown), $(nproc) cores, kernel $(uname -r),"
    echo "load average before the runs: $LOADAVG. Every run goes straight to a"
    echo "fresh rpuffsd on 127.0.0.1 (one client-library session per client, --window 16). Open-ended"
    echo "workloads (randio, mixed, coherence) run ${DURATION} s; the others do fixed work (flags in"
    echo "\`args_for\` in run_matrix.sh). The machine is shared with other builds, so absolute figures"
    echo "are noisy; compare shapes, not single numbers. Latencies in microseconds. Plot:"
    echo "[load_matrix.svg](load_matrix.svg) ([PNG](load_matrix.png))."
    echo
    [ -z "$FAILED_RUNS" ] || { echo "**Failed runs:**$FAILED_RUNS"; echo; }
    echo "## Aim: server-direct mdtest, 16 clients"
    echo
    echo "| measure | measured ops/s | aim | met |"
    echo "|---|---|---|---|"
    aim_row "creates/s, private dirs" create 20000
    aim_row "creates/s, shared dir" shared.create 20000
    aim_row "stats/s, private dirs" stat 50000
    aim_row "stats/s, shared dir" shared.stat 50000
    echo
    aim_bounds
    echo
    [ -z "$PROFILE" ] || write_profiles
    echo "## Runs"
    echo
    echo "| workload | clients | elapsed s | calls | calls/s | rpuffsd CPU s | rpuffs-load CPU s | errors | mismatches | stale | result |"
    echo "|---|---|---|---|---|---|---|---|---|---|---|"
    run_rows
    for w in $WORKLOADS; do
      echo
      echo "## $w"
      echo
      echo "| clients | op | count | ops/s | MB/s | p50 | p90 | p99 | p99.9 | max | errors |"
      echo "|---|---|---|---|---|---|---|---|---|---|---|"
      op_rows "$w"
    done
    [ -z "$kept" ] || printf '\n%s\n' "$kept"
  } > "$out"
}

write_plot() {
  local out=$1 d=$WORK/plot
  mkdir -p "$d"
  series mdtest create .ops_per_s > "$d/md_create"
  series mdtest stat .ops_per_s > "$d/md_stat"
  series smallfiles create .ops_per_s > "$d/sf_create"
  series randio read .ops_per_s > "$d/rr_read"
  series randio write .ops_per_s > "$d/rr_write"
  series mixed stat .ops_per_s > "$d/mx_stat"
  series coherence r.read .ops_per_s > "$d/coh"
  series seqio write .mb_per_s > "$d/sq_write"
  series seqio read .mb_per_s > "$d/sq_read"
  series mdtest create .latency_us.p99 0.001 > "$d/l_md_create"
  series mdtest stat .latency_us.p99 0.001 > "$d/l_md_stat"
  series randio read .latency_us.p99 0.001 > "$d/l_rr_read"
  series seqio write .latency_us.p99 0.001 > "$d/l_sq_write"
  series mdtest stat .latency_us.p50 0.001 > "$d/l50_md_stat"
  local term
  for term in "svg size 1500,480 dynamic font 'sans,11'" "pngcairo size 1500,480 font 'sans,10'"; do
    local file=$out
    case $term in png*) file=${out%.svg}.png ;; esac
    gnuplot <<GP
set terminal $term
set output "$file"
set multiplot layout 1,3 title "rpuffs-load, server-direct, $(nproc) cores (shared machine)"
set logscale x 2
set xlabel "clients"
set key top left
set grid
set title "operations/s"
set logscale y
plot "$d/md_create" u 1:2 w lp t "mdtest create", "$d/md_stat" u 1:2 w lp t "mdtest stat", \
     "$d/sf_create" u 1:2 w lp t "smallfiles create", "$d/rr_read" u 1:2 w lp t "randio 4K read", \
     "$d/rr_write" u 1:2 w lp t "randio 4K write", "$d/mx_stat" u 1:2 w lp t "mixed stat", \
     "$d/coh" u 1:2 w lp t "coherence rounds"
unset logscale y
set title "seqio MB/s (1 MiB calls)"
plot "$d/sq_write" u 1:2 w lp t "write", "$d/sq_read" u 1:2 w lp t "read"
set title "latency (ms)"
set logscale y
plot "$d/l_md_create" u 1:2 w lp t "mdtest create p99", "$d/l_md_stat" u 1:2 w lp t "mdtest stat p99", \
     "$d/l50_md_stat" u 1:2 w lp t "mdtest stat p50", "$d/l_rr_read" u 1:2 w lp t "randio read p99", \
     "$d/l_sq_write" u 1:2 w lp t "seqio write p99"
unset multiplot
GP
  done
}
