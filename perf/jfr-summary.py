#!/usr/bin/env python3
"""Where a JFR recording's CPU samples go: top self frames and inclusive shares of Tollgate's (and other) frames.

    perf/jfr-summary.py recording.jfr [thread-name-prefixes]   # default: the event loops (tollgate-io, reactor-http)

Reads the recording's `jdk.ExecutionSample` events (perf/jfr_stacks.py). JFR samples Java frames only, so work
in native code called from Java is attributed to the Java frame that called it; kernel time is not seen at all.
"""
import collections
import sys

from jfr_stacks import EVENT_LOOPS, stacks as stacks_of

path = sys.argv[1]
prefix = tuple(sys.argv[2].split(",")) if len(sys.argv) > 2 else EVENT_LOOPS
stacks = list(stacks_of(path, prefix))
n = len(stacks)
print(f"{n} samples on threads {', '.join(p + '*' for p in prefix)}")
if not n:
    sys.exit(0)

self_count = collections.Counter(s[0] for s in stacks)
print("\ntop self frames")
for name, c in self_count.most_common(25):
    print(f"  {100 * c / n:5.1f} %  {name}")

incl = collections.Counter()
for s in stacks:
    for name in set(s):
        incl[name] += 1
print("\ninclusive, dev.tollgate frames")
for name, c in incl.most_common():
    if name.startswith("dev.tollgate") and c * 200 >= n:
        print(f"  {100 * c / n:5.1f} %  {name}")
print("\ninclusive, other frames of interest")
for key in sys.argv[3:] or ["com.nimbusds", "tools.jackson", "io.lettuce", "io.github.resilience4j",
                             "com.github.benmanes.caffeine", "io.micrometer", "java.security.MessageDigest",
                             "com.amazon.corretto", "org.springframework.cloud.gateway.filter.headers",
                             "io.netty.handler.ssl", "io.netty.handler.codec.http"]:
    c = sum(1 for s in stacks if any(f.startswith(key) for f in s))
    print(f"  {100 * c / n:5.1f} %  {key}*")
