#!/usr/bin/env python3
"""The tables of perf/interleaved.sh, from its slices (round, gateway, CPU ticks, requests per line).

    perf/interleaved-report.py interleaved.tsv TICKS "JIT ticks per gateway" LABEL=SPEC ...

SPEC is the gateway's spec as interleaved.sh took it (MODE[/SCRIPT][@JAR]); the first gateway is the baseline of the
ratios. Three tables:
- each gateway's CPU per request (over all its slices, and per round) and its ratio to the first, per round;
- "[before]" pairs (label and "label [before]"): this build over the other, per round;
- issue 15's goals, for the gateways on the run's own jar whose specs name them (plain, bearer, mtls-jwt, dpop,
  dpop-redis, mtls-jwt-l2, bearer/tokens, peer-scg-security-rs256). Additive goals ("≤ L1 + 25 µs") are judged on the
  per-round differences, ratio goals on the per-round ratios: both sides of a comparison were measured seconds apart.
  ES256_VERIFY_US (one native ES256 verification, from JMH on the same machine) completes the DPoP goal.
"""
import collections
import os
import statistics
import sys

out, ticks, jit = sys.argv[1], int(sys.argv[2]), list(map(int, sys.argv[3].split()))
labels, specs = zip(*(a.split("=", 1) for a in sys.argv[4:]))
n = len(labels)
per = collections.defaultdict(dict)
for line in open(out):
    r, k, t, q = map(int, line.split("\t"))
    per[r][k] = (t, q)
rounds = sorted(r for r in per if len(per[r]) == n)


def us(t, q):
    return t * 1e6 / ticks / max(q, 1)


def round_us(k):
    return [us(*per[r][k]) for r in rounds]


def span(xs, fmt="{:.3f}"):
    return f"{fmt.format(statistics.median(xs))} ({fmt.format(min(xs))}–{fmt.format(max(xs))})"


def total_us(k):
    return us(sum(per[r][k][0] for r in rounds), sum(per[r][k][1] for r in rounds))


print(f"\n| Gateway | CPU µs/req over all its slices | per round, median (min–max) | × {labels[0]}, per round: "
      "median (min–max) | JIT % of its measured CPU |")
print("|---|---|---|---|---|")
base = round_us(0)
for k in range(n):
    t = sum(per[r][k][0] for r in rounds)
    ratios = [a / b for a, b in zip(round_us(k), base)]
    print(f"| {labels[k]} | {total_us(k):.1f} | {span(round_us(k), '{:.1f}')} | {span(ratios)} | "
          f"{100 * jit[k] / max(t, 1):.1f} |")

pairs = [(labels.index(l[:-len(" [before]")]), k) for k, l in enumerate(labels)
         if l.endswith(" [before]") and l[:-len(" [before]")] in labels]
if pairs:
    print("\n| Change | this build ÷ [before], per round: median (min–max) | this build − [before] µs/req, per round |"
          " rounds where this build is lower |")
    print("|---|---|---|---|")
    for new, old in pairs:
        ratios = [a / b for a, b in zip(round_us(new), round_us(old))]
        diffs = [a - b for a, b in zip(round_us(new), round_us(old))]
        print(f"| {labels[new]} | {span(ratios)} | {span(diffs, '{:+.1f}')} | {sum(d < 0 for d in diffs)} of "
              f"{len(diffs)} |")

# Issue 15's goals, on the run's own jar: spec (MODE/SCRIPT) -> gateway index.
own = {}
for k, s in enumerate(specs):
    if "@" not in s:
        own.setdefault(s if "/" in s else s + "/hot", k)
pure = own.get("peer-scg/hot")
verify = float(os.environ["ES256_VERIFY_US"]) if os.environ.get("ES256_VERIFY_US") else None
goals = []  # (row, measured, goal, met)


def ratio_goal(spec, limit, what):
    if spec in own and pure is not None:
        xs = [a / b for a, b in zip(round_us(own[spec]), round_us(pure))]
        goals.append((labels[own[spec]], f"× pure SCG {span(xs)}", f"≤ {limit} × {what}",
                      statistics.median(xs) <= limit))


def sum_goal(spec, other, extra, what):
    if spec in own and other in own:
        diffs = [a - b for a, b in zip(round_us(own[spec]), round_us(own[other]))]
        goals.append((labels[own[spec]], f"− {labels[own[other]]}: {span(diffs, '{:+.1f}')} µs",
                      f"≤ {what}", statistics.median(diffs) <= extra))


ratio_goal("plain/hot", 1.05, "pure SCG")
ratio_goal("bearer/hot", 1.25, "pure SCG")
ratio_goal("mtls-jwt/hot", 1.25, "pure SCG")
if verify is not None:
    sum_goal("dpop/dpop", "bearer/hot", 1.2 * verify, f"+ 1.2 × ES256 verify ({verify:.1f} µs) = "
             f"+{1.2 * verify:.1f} µs")
sum_goal("dpop-redis/dpop", "dpop/dpop", 25, "+25 µs")
sum_goal("mtls-jwt-l2/hot", "mtls-jwt/hot", 25, "+25 µs")
if "bearer/tokens" in own and "peer-scg-security-rs256/hot" in own:
    new, peer = own["bearer/tokens"], own["peer-scg-security-rs256/hot"]
    xs = [a / b for a, b in zip(round_us(new), round_us(peer))]
    goals.append((labels[new], f"× {labels[peer]} {span(xs)}", f"≤ 1 × {labels[peer]}", statistics.median(xs) <= 1))
if goals:
    print("\n| Goal row (issue 15) | measured per round: median (min–max) | goal | verdict (median) |")
    print("|---|---|---|---|")
    for row, measured, goal, met in goals:
        print(f"| {row} | {measured} | {goal} | {'**met**' if met else 'missed'} |")
