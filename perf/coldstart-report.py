#!/usr/bin/env python3
"""The cold-start table of perf/coldstart.sh, from its raw.tsv (name, rep, ms, RSS MiB, CPU ms[, RSS MiB after the
load] per line; LOAD in the environment says how many requests the load was, 2000 by default).

    perf/coldstart-report.py raw.tsv out.md "<java -version's first line>" <repetitions> [nmt-folder]

Ratios are per repetition (each row's time over pure SCG's, and over the peer's, in the same repetition), then
median (min-max). Goals (issue 15) for Tollgate's rows: first allowed request <= 5 s, RSS <= the peer's (median), at
the first 200 and, where measured, after the load.
With an NMT folder (perf/coldstart.sh NMT=1: `jcmd VM.native_memory summary` of each row and repetition, files named
"<row>#<rep>.txt"), a second table: each row's committed memory by category, median over repetitions.
"""
import os
import re
import statistics
import sys

raw, out, jdk, reps = sys.argv[1:5]
nmt_dir = sys.argv[5] if len(sys.argv) > 5 else None
rows, order = {}, []
load = int(os.environ.get("LOAD", "2000"))
for line in open(raw):
    name, rep, ms, rss, cpu, *after = line.rstrip("\n").split("\t")
    if name not in rows:
        rows[name] = []
        order.append(name)
    rows[name].append((int(ms), int(rss), int(cpu), int(rep), int(after[0]) if after and after[0] != "0" else None))

PEER = "peer: scg + spring-security"
pure = {r[3]: r[0] for r in rows.get("pure scg", [])}
peer = {r[3]: r[0] for r in rows.get(PEER, [])}
peer_rss = statistics.median(r[1] for r in rows[PEER]) if PEER in rows else None
loaded = any(r[4] is not None for rs in rows.values() for r in rs)
peer_after = statistics.median(r[4] for r in rows[PEER]) if loaded and PEER in rows else None


def span(xs, fmt="{:.0f}"):
    return f"{fmt.format(statistics.median(xs))} ({fmt.format(min(xs))}–{fmt.format(max(xs))})"


def ratio(name, base):
    xs = [r[0] / base[r[3]] for r in rows[name] if r[3] in base]
    return span(xs, "{:.2f}") if xs else "—"


def goals(name, ms, rss, after):
    if not name.startswith("tollgate"):
        return ""
    time_goal = f"≤ 5 s: {'**met**' if statistics.median(ms) <= 5000 else 'missed'}"
    if peer_rss is None:
        return time_goal
    got = [f"RSS ≤ {peer_rss:.0f}: {'**met**' if statistics.median(rss) <= peer_rss else 'missed'}"]
    if peer_after is not None and after:
        got.append(f"after the load ≤ {peer_after:.0f}: "
                   f"{'**met**' if statistics.median(after) <= peer_after else 'missed'}")
    return "; ".join([time_goal] + got)


lines = [f"# Cold start — {jdk}", "",
         f"- {reps} repetitions, a fresh JVM each, unpinned on this machine's cores (`nproc`), default JVM ergonomics.",
         "- From launching `java` to the first 200 of an allowed request (curl polling every 20 ms); RSS and CPU time "
         "(utime + stime, all threads) of the process at that moment. Ratios: each repetition's time over pure SCG's "
         "(and the peer's) in the same repetition. Goals (issue 15): ≤ 5 s with the demo configuration, RSS ≤ the "
         "peer's."]
if loaded:
    lines.append(f"- RSS after the load: once {load} more of the same request were answered, one after another on one "
                 "kept connection (the first traffic's memory, which the RSS at the first 200 does not show yet).")
after_head = " RSS MiB after the load |" if loaded else ""
lines += ["", "| Row | First allowed request, ms: median (min–max) | × pure SCG | × peer | CPU ms | RSS MiB |"
          + after_head + " Goals |", "|---|---|---|---|---|---|" + ("---|" if loaded else "") + "---|"]
for name in order:
    ms = [r[0] for r in rows[name]]
    rss = [r[1] for r in rows[name]]
    cpu = [r[2] for r in rows[name]]
    after = [r[4] for r in rows[name] if r[4] is not None]
    after_cell = (f" {span(after) if after else '—'} |") if loaded else ""
    lines.append(f"| {name} | {span(ms)} | {ratio(name, pure)} | {ratio(name, peer)} | {span(cpu)} | {span(rss)} |"
                 f"{after_cell} {goals(name, ms, rss, after)} |")


def nmt_committed(path):
    """Category -> committed MiB, from one `VM.native_memory summary` (scale KB, the default)."""
    got = {}
    for text in open(path):
        m = re.match(r"\s*(?:-\s+(.+?) \(|(Total): )reserved=(\d+)KB, committed=(\d+)KB", text)
        if m:
            got[(m.group(1) or m.group(2)).strip()] = int(m.group(4)) / 1024
    return got


if nmt_dir and os.path.isdir(nmt_dir):
    per_row = {}
    for f in sorted(os.listdir(nmt_dir)):
        name = f.rsplit("#", 1)[0]
        per_row.setdefault(name, []).append(nmt_committed(os.path.join(nmt_dir, f)))
    names = [n for n in order if n in per_row and any(per_row[n])]
    if names:
        cats = {c for n in names for d in per_row[n] for c in d}
        med = {(n, c): statistics.median(d.get(c, 0) for d in per_row[n]) for n in names for c in cats}
        top = sorted(cats, key=lambda c: (c != "Total", -max(med[(n, c)] for n in names)))
        lines += ["", "## Committed memory at the first allowed request (NMT, MiB, median over repetitions)", "",
                  "NMT tracks the JVM's own reservations (not the C library's heap, nor the jar's mapped files); "
                  "RSS counts only the pages touched, so a committed but untouched heap is not in RSS. Run with "
                  "`-XX:NativeMemoryTracking=summary` (a few MiB of its own).", "",
                  "| Category | " + " | ".join(names) + " |", "|---|" + "---|" * len(names)]
        for c in top:
            if c == "Total" or max(med[(n, c)] for n in names) >= 1:
                lines.append(f"| {c} | " + " | ".join(f"{med[(n, c)]:.0f}" for n in names) + " |")
open(out, "w").write("\n".join(lines) + "\n")
print("\n".join(lines))
