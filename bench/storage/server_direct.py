#!/usr/bin/env python3
# server_direct.py BUILD_DIR LABEL [rread|rwrite|seq ...]: a fresh rpuffsd (BUILD_DIR/server/rpuffsd) per run,
# driven server-direct by BUILD_DIR/client/load/rpuffs-load; prints ops/s, MB/s and rpuffsd CPU per op of the
# measured phase: utime+stime of all rpuffsd threads, sampled every 0.05 s, over the phase's window (located
# from the phases' own durations in the JSON report). Scratch data and reports under /tmp/rpuffs-data-run/.
# Env: PORT (47311), ROPS (reads per client, 10000), WOPS (writes per client, 3000).
import json, os, subprocess, sys, time, shutil, socket
B, L = sys.argv[1], sys.argv[2]
which = sys.argv[3:] or ["rread", "rwrite", "seq"]
PORT = int(os.environ.get("PORT", "47311"))
HZ = os.sysconf("SC_CLK_TCK")
RUNS = {
  "rread": ["--workload", "randio", "--clients", "4", "--file-size", "64M", "--ops", os.environ.get("ROPS", "10000"), "--mix", "read=1"],
  "rwrite": ["--workload", "randio", "--clients", "4", "--file-size", "64M", "--ops", os.environ.get("WOPS", "3000"), "--mix", "write=1"],
  "seq": ["--workload", "seqio", "--clients", "1", "--file-size", "1G"],
}
out = f"/tmp/rpuffs-data-run/{L}"; os.makedirs(out, exist_ok=True)
def ticks(pid):
  with open(f"/proc/{pid}/stat") as f: p = f.read().rsplit(")", 1)[1].split()
  return int(p[11]) + int(p[12])
for name in which:
  d = f"/tmp/rpuffs-data-run/data-{L}"; shutil.rmtree(d, ignore_errors=True)
  srv = subprocess.Popen([f"{B}/server/rpuffsd", "--data", d, "--listen", f"127.0.0.1:{PORT}"],
                         stdout=open(f"{out}/rpuffsd-{name}.log", "w"), stderr=subprocess.STDOUT)
  for _ in range(100):
    try: socket.create_connection(("127.0.0.1", PORT), 0.2).close(); break
    except OSError: time.sleep(0.05)
  load = open("/proc/loadavg").read().split()[:3]
  t0 = time.monotonic()
  cl = subprocess.Popen([f"{B}/client/load/rpuffs-load", "--server", f"127.0.0.1:{PORT}/default", *RUNS[name],
                         "--json", f"{out}/{name}.json"], stdout=open(f"{out}/{name}.txt", "w"), stderr=subprocess.STDOUT)
  samples = []
  while cl.poll() is None:
    samples.append((time.monotonic() - t0, ticks(srv.pid))); time.sleep(0.05)
  srv.terminate(); srv.wait()
  j = json.load(open(f"{out}/{name}.json"))
  ops = {o["name"]: o for o in j["operations"]}
  t = 0.0
  line = [f"{name} load {'/'.join(load)}"]
  for o in j["operations"]:
    start, end = t, t + o["seconds"]; t = end
    if o["name"] in ("read", "write"):
      def at(x):
        for s in samples:
          if s[0] >= x: return s[1]
        return samples[-1][1]
      cpu = (at(end) - at(start)) / HZ
      line.append(f"{o['name']}: {o['ops_per_s']:.0f} ops/s {o['mb_per_s']:.1f} MB/s p50 {o['latency_us']['p50']:.0f}us"
                  f" cpu/op {1e6*cpu/max(o['count'],1):.0f}us")
  if "prep.write" in ops: line.append(f"prep.write {ops['prep.write']['mb_per_s']:.0f} MB/s")
  print(" | ".join(line), flush=True)
