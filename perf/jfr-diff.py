#!/usr/bin/env python3
"""Which frames a row spends more on than another: inclusive JFR samples per request, B minus A.

    perf/jfr-diff.py A.jfr REQUESTS_A B.jfr REQUESTS_B [top]

Both recordings must use the same sampling period (perf/compare.sh JFR=1: 1 ms). Samples per request times the period
approximates the event loop's Java CPU per request; the difference by frame says where B's extra time goes (a frame
counts once per sample however deep it recurs). Native work is attributed to the Java frame that called it.
"""
import collections
import sys

from jfr_stacks import stacks


def inclusive(path):
    counts, own, n = collections.Counter(), collections.Counter(), 0
    for s in stacks(path):
        n += 1
        for name in set(s):
            counts[name] += 1
        if s:
            own[s[0].rsplit(".", 1)[0]] += 1  # self time, by class
    return counts, own, n


a, ra, b, rb = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
top = int(sys.argv[5]) if len(sys.argv) > 5 else 40
ca, oa, na = inclusive(a)
cb, ob, nb = inclusive(b)
per = lambda c, r: 1000.0 * c / r  # µs per request at a 1 ms period
print(f"A: {na} samples, {per(na, ra):.1f} us/req sampled; B: {nb} samples, {per(nb, rb):.1f} us/req sampled")
diff = {k: per(cb.get(k, 0), rb) - per(ca.get(k, 0), ra) for k in set(ca) | set(cb)}
print(f"\nlargest increases, B - A (us/req), with B's and A's inclusive us/req")
for k, d in sorted(diff.items(), key=lambda kv: -kv[1])[:top]:
    print(f"  {d:+7.1f}  ({per(cb.get(k, 0), rb):6.1f} / {per(ca.get(k, 0), ra):6.1f})  {k}")

print(f"\nself time by class, largest increases, B - A (us/req), with B's and A's")
sdiff = {k: per(ob.get(k, 0), rb) - per(oa.get(k, 0), ra) for k in set(oa) | set(ob)}
for k, d in sorted(sdiff.items(), key=lambda kv: -kv[1])[:top]:
    print(f"  {d:+7.1f}  ({per(ob.get(k, 0), rb):6.1f} / {per(oa.get(k, 0), ra):6.1f})  {k}")
