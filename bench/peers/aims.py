#!/usr/bin/env python3
"""aims.py RESULTS.jsonl [RUN_ID] — checks one run of bench/peers/run.sh against issue 4's aims.

Prints two markdown tables built only from the measured lines of that run (the newest run when
RUN_ID is not given):
  1. rpuffs as a fraction of rpuffs-memfs: sequential rows aim >= 0.50, metadata rows >= 0.25,
     random I/O rows shown without an aim (the issue sets none);
  2. rpuffs against sshfs and gluster: the speed-up (peer time / rpuffs time, or rpuffs rate / peer
     rate) with the aim 3x on creates and untar, 1.5x on reads, 1x (beat it) on the other rows the
     issue lists (unlink, `ls -l` cold, seq write, `rm -rf`); rows it does not list have no aim.
A cell is "n/a" when a value is missing or the test failed (rc != 0 is shown next to it).
"""
import json
import sys

# (title, test, filter, field, higher_is_better, memfs_aim, peer_aim)
ROWS = [
    ("create, P=1 (ops/s)", "metadata", {"procs": 1}, "create_ops", True, 0.25, 3.0),
    ("stat, P=1 (ops/s)", "metadata", {"procs": 1}, "stat_ops", True, 0.25, None),
    ("unlink, P=1 (ops/s)", "metadata", {"procs": 1}, "unlink_ops", True, 0.25, 1.0),
    ("create, P=4 (ops/s)", "metadata", {"procs": 4}, "create_ops", True, 0.25, 3.0),
    ("stat, P=4 (ops/s)", "metadata", {"procs": 4}, "stat_ops", True, 0.25, None),
    ("unlink, P=4 (ops/s)", "metadata", {"procs": 4}, "unlink_ops", True, 0.25, 1.0),
    ("create 10k files (s)", "ls10k", {}, "create10k_s", False, 0.25, 3.0),
    ("`ls -l` 10k cold (s)", "ls10k", {}, "ls_cold_s", False, 0.25, 1.0),
    ("`ls -l` 10k warm (s)", "ls10k", {}, "ls_warm_s", False, 0.25, None),
    ("`rm -rf` 10k (s)", "ls10k", {}, "rm10k_s", False, 0.25, 1.0),
    ("seq write 1 GiB (MB/s, fio)", "fio_seqwrite", {}, "write_MBps", True, 0.50, 1.0),
    ("seq write incl. fsync (MB/s, wall)", "fio_seqwrite", {}, "wall_MBps", True, 0.50, None),
    ("seq read 1 GiB cold (MB/s)", "fio_seqread", {}, "read_MBps", True, 0.50, 1.5),
    ("rand read 4k x4 (IOPS)", "fio_randread", {}, "read_iops", True, None, 1.5),
    ("rand write 4k x4 (IOPS)", "fio_randwrite", {}, "write_iops", True, None, None),
    ("untar /usr/include (s)", "untar", {}, "untar_s", False, None, 3.0),
    ("`du -s` cold (s)", "untar", {}, "du_cold_s", False, None, None),
    ("`rm -rf` tree (s)", "untar", {}, "rm_rf_s", False, None, 1.0),
]


def load(path, run_id):
    rows = [json.loads(x) for x in open(path) if x.strip()]
    if run_id is None:
        run_id = max(r["run_id"] for r in rows)
    return run_id, [r for r in rows if r["run_id"] == run_id]


def value(rows, label, test, flt, field):
    """(value or None, note) of the last matching line."""
    hit = None
    for r in rows:
        if r["label"] == label and r["test"] == test and all(r.get(k) == v for k, v in flt.items()):
            hit = r
    if hit is None:
        return None, "not run"
    if hit.get("status") == "error":
        return None, "error"
    rc = hit.get("rc", 0)
    note = "" if rc in (0, None) else "rc=%s" % rc
    return hit.get(field), note


def speedup(mine, other, higher):
    if mine is None or other is None or mine == 0 or other == 0:
        return None
    return mine / other if higher else other / mine


def fmt(v, note):
    if v is None:
        return "n/a" + (" (%s)" % note if note else "")
    s = ("%.3g" % v) if abs(v) < 100 else ("%.0f" % v)
    return s + (" (%s)" % note if note else "")


def verdict(ratio, aim):
    if ratio is None:
        return "n/a"
    if aim is None:
        return "%.2f" % ratio
    return "%.2f %s" % (ratio, "met" if ratio >= aim else "**missed**")


def main():
    path = sys.argv[1]
    run_id, rows = load(path, sys.argv[2] if len(sys.argv) > 2 else None)
    print("Run %s.\n" % run_id)
    print("| metric | rpuffs | rpuffs-memfs | rpuffs / memfs | aim |")
    print("|---|---|---|---|---|")
    for title, test, flt, field, higher, maim, _ in ROWS:
        (a, na), (b, nb) = value(rows, "rpuffs", test, flt, field), value(rows, "rpuffs-memfs", test, flt, field)
        r = speedup(a, b, higher)
        print("| %s | %s | %s | %s | %s |" % (title, fmt(a, na), fmt(b, nb), verdict(r, maim),
                                              "≥ %.2f" % maim if maim else "—"))
    print()
    print("| metric | rpuffs | sshfs | gluster | × sshfs | × gluster | aim |")
    print("|---|---|---|---|---|---|---|")
    for title, test, flt, field, higher, _, paim in ROWS:
        a, na = value(rows, "rpuffs", test, flt, field)
        cells, ratios = [], []
        for peer in ("sshfs", "gluster"):
            p, np_ = value(rows, peer, test, flt, field)
            cells.append(fmt(p, np_))
            ratios.append(verdict(speedup(a, p, higher), paim))
        print("| %s | %s | %s | %s | %s | %s | %s |" % (title, fmt(a, na), cells[0], cells[1], ratios[0],
                                                          ratios[1], "≥ %.1f×" % paim if paim else "—"))


if __name__ == "__main__":
    main()
