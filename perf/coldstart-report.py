#!/usr/bin/env python3
"""The cold-start table of perf/coldstart.sh, from its raw.tsv (name, rep, ms, RSS MiB, CPU ms per line).

    perf/coldstart-report.py raw.tsv out.md "<java -version's first line>" <repetitions>

Ratios are per repetition (each row's time over pure SCG's, and over the peer's, in the same repetition), then
median (min-max). Goals (issue 15) for Tollgate's rows: first allowed request <= 5 s, RSS <= the peer's (median).
"""
import statistics
import sys

raw, out, jdk, reps = sys.argv[1:]
rows, order = {}, []
for line in open(raw):
    name, rep, ms, rss, cpu = line.rstrip("\n").split("\t")
    if name not in rows:
        rows[name] = []
        order.append(name)
    rows[name].append((int(ms), int(rss), int(cpu), int(rep)))

PEER = "peer: scg + spring-security"
pure = {r[3]: r[0] for r in rows.get("pure scg", [])}
peer = {r[3]: r[0] for r in rows.get(PEER, [])}
peer_rss = statistics.median(r[1] for r in rows[PEER]) if PEER in rows else None


def span(xs, fmt="{:.0f}"):
    return f"{fmt.format(statistics.median(xs))} ({fmt.format(min(xs))}–{fmt.format(max(xs))})"


def ratio(name, base):
    xs = [r[0] / base[r[3]] for r in rows[name] if r[3] in base]
    return span(xs, "{:.2f}") if xs else "—"


def goals(name, ms, rss):
    if not name.startswith("tollgate"):
        return ""
    time_goal = f"≤ 5 s: {'**met**' if statistics.median(ms) <= 5000 else 'missed'}"
    if peer_rss is None:
        return time_goal
    rss_goal = f"RSS ≤ {peer_rss:.0f}: {'**met**' if statistics.median(rss) <= peer_rss else 'missed'}"
    return f"{time_goal}; {rss_goal}"


lines = [f"# Cold start — {jdk}", "",
         f"- {reps} repetitions, a fresh JVM each, unpinned on this machine's cores (`nproc`), default JVM ergonomics.",
         "- From launching `java` to the first 200 of an allowed request (curl polling every 20 ms); RSS and CPU time "
         "(utime + stime, all threads) of the process at that moment. Ratios: each repetition's time over pure SCG's "
         "(and the peer's) in the same repetition. Goals (issue 15): ≤ 5 s with the demo configuration, RSS ≤ the "
         "peer's.", "",
         "| Row | First allowed request, ms: median (min–max) | × pure SCG | × peer | CPU ms | RSS MiB | Goals |",
         "|---|---|---|---|---|---|---|"]
for name in order:
    ms = [r[0] for r in rows[name]]
    rss = [r[1] for r in rows[name]]
    cpu = [r[2] for r in rows[name]]
    lines.append(f"| {name} | {span(ms)} | {ratio(name, pure)} | {ratio(name, peer)} | {span(cpu)} | {span(rss)} "
                 f"| {goals(name, ms, rss)} |")
open(out, "w").write("\n".join(lines) + "\n")
print("\n".join(lines))
