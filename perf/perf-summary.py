#!/usr/bin/env python3
"""Where a gateway's CPU goes, native and kernel included: a Linux `perf record -g` profile in µs per request.

    perf script -i perf.data -F comm,tid,period,ip,sym,dso | perf/perf-summary.py - REQUESTS [out.json]
    perf/perf-summary.py samples.script.gz REQUESTS [out.json]   # perf script's output, kept by perf/compare.sh
    perf/perf-summary.py --compare a.json b.json [...]    # the same tables side by side, with b − a

JFR samples Java frames only (perf/jfr-summary.py); this sees the rest: the kernel's share (by system call or
interrupt), the JVM's own code (GC, interpreter, runtime stubs), libc, Netty's native transport and TLS. JIT-compiled
Java frames get their names from the JVM's perf map (`jcmd PID Compiler.perfmap`, JDK 17+) and, with
-XX:+PreserveFramePointer, their callers too. perf/compare.sh runs it for each row with PERF=1.

Each sample weighs its period (cpu-clock: nanoseconds), so a line is µs of CPU per request over the sampled window.
"""
import collections
import gzip
import json
import re
import sys

TOP = 30


def category(sym, dso):
    """The part of the process a leaf frame belongs to."""
    if dso.startswith("[kernel"):
        return "kernel"
    base = dso.rsplit("/", 1)[-1]
    if base.startswith("perf-") and base.endswith(".map") or base in ("[unknown]", "[anon]", "//anon"):
        if sym.startswith("Interpreter"):
            return "JVM interpreter"
        if sym == "[unknown]" or sym.startswith("Stub") or "stub" in sym.lower():
            return "JIT code (stubs, unnamed)"
        return "Java (JIT-compiled)"
    if base.startswith("libjvm"):
        return "JVM (libjvm: GC, runtime, compiler)"
    if base.startswith("libc.") or base.startswith("libc-") or base.startswith("libpthread"):
        return "libc"
    if "netty_transport_native" in base:
        return "Netty native transport"
    if "tcnative" in base or "ssl" in base or "crypto" in base or "amazonCorretto" in base:
        return "native TLS / crypto"
    return base


def kernel_reason(frames):
    """The system call (or interrupt) a kernel sample serves: the outermost frame naming one."""
    for sym, dso in reversed(frames):
        if not dso.startswith("[kernel"):
            continue
        m = re.match(r"(?:__x64_sys_|__se_sys_|__do_sys_|ksys_)(\w+)", sym)
        if m:
            return "syscall " + m.group(1)
    for sym, dso in reversed(frames):
        if dso.startswith("[kernel") and re.search(r"irq|softirq|net_rx|do_softirq", sym):
            return "interrupt " + sym
    for sym, dso in reversed(frames):
        if dso.startswith("[kernel") and re.search(r"page_fault|exc_", sym):
            return "fault " + sym
    return "kernel, other (" + (frames[-1][0] if frames else "?") + ")"


def java_name(sym):
    """'void io.netty.Foo.bar(java.lang.Object)' (the JVM's perf map) -> 'io.netty.Foo.bar'."""
    m = re.search(r"([\w$.<>]+)\(", sym)
    return m.group(1) if m else sym


GROUPS = ("dev.tollgate", "io.netty.handler.ssl", "io.netty.handler.codec.http", "io.netty.buffer", "io.netty.channel",
          "org.springframework.cloud.gateway", "org.springframework.web", "org.springframework.http", "reactor.netty",
          "reactor.core", "io.micrometer", "tools.jackson", "com.nimbusds", "java.util.concurrent", "java.util")


def parse(lines):
    """Yields (thread name, period ns, [(symbol, dso) leaf first])."""
    head, frames = None, []
    for line in lines:
        line = line.rstrip("\n")
        if not line.strip():
            if head:
                yield head[0], head[1], frames
            head, frames = None, []
            continue
        if head is None:
            # "comm  tid  period:" or "comm tid period" (the comm may contain spaces)
            m = re.match(r"^\s*(.+?)\s+(\d+)\s+(\d+)\s*:?\s*$", line)
            if m:
                head = (re.sub(r"[0-9]+", "N", m.group(1).strip()), int(m.group(3)))
            continue
        m = re.match(r"^\s*[0-9a-f]+\s+(.*?)\s+\((.*)\)\s*$", line)
        if m:
            sym = re.sub(r"\+0x[0-9a-f]+$", "", m.group(1))
            if category(sym, m.group(2)) == "Java (JIT-compiled)":
                sym = java_name(sym)
            frames.append((sym, m.group(2)))
    if head:
        yield head[0], head[1], frames


def summarise(lines, requests):
    per = lambda ns: ns / 1000.0 / max(requests, 1)
    threads, cats, leaves, kernel, java_incl = (collections.Counter() for _ in range(5))
    total = 0
    for thread, period, frames in parse(lines):
        if not frames:
            continue
        total += period
        threads[thread] += period
        sym, dso = frames[0]
        cat = category(sym, dso)
        cats[cat] += period
        leaves[f"{cat} | {sym}"] += period
        if cat == "kernel":
            kernel[kernel_reason(frames)] += period
        # Inclusive, for Java frames (the perf map names them "Lpackage/Class;::method" or "package.Class::method")
        seen = set()
        for s, d in frames:
            if category(s, d) == "Java (JIT-compiled)":
                seen.update(g for g in GROUPS if s.startswith(g))
                if s.startswith("dev.tollgate"):
                    seen.add(s)
        for p in seen:
            java_incl[p] += period
    return {"requests": requests, "total": per(total),
            "threads": {k: per(v) for k, v in threads.most_common()},
            "categories": {k: per(v) for k, v in cats.most_common()},
            "kernel": {k: per(v) for k, v in kernel.most_common(20)},
            "java_inclusive": {k: per(v) for k, v in java_incl.most_common()},
            "leaves": {k: per(v) for k, v in leaves.most_common(200)}}


def table(title, runs, key, limit=None):
    names = list(dict.fromkeys(k for r in runs for k in r[1][key]))
    if len(runs) == 2:
        names.sort(key=lambda k: -abs(runs[1][1][key].get(k, 0) - runs[0][1][key].get(k, 0)))
    else:
        names.sort(key=lambda k: -max(r[1][key].get(k, 0) for r in runs))
    names = names[:limit] if limit else names
    heads = " | ".join(label for label, _ in runs)
    out = [f"\n{title} (µs/request)", f"| {'':90s} | {heads} |" + (" diff |" if len(runs) == 2 else "")]
    for k in names:
        vals = [r[1][key].get(k, 0.0) for r in runs]
        row = " | ".join(f"{v:7.2f}" for v in vals)
        out.append(f"| {k[-90:]:90s} | {row} |" + (f" {vals[1] - vals[0]:+7.2f} |" if len(runs) == 2 else ""))
    return out


def report(runs):
    out = [f"sampled CPU: " + ", ".join(f"{label} {r['total']:.1f} µs/req over {r['requests']} requests"
                                         for label, r in runs)]
    out += table("by thread", runs, "threads", 8)
    out += table("by part of the process (leaf frame)", runs, "categories")
    out += table("kernel, by system call or interrupt", runs, "kernel", 15)
    out += table("Java, inclusive (a sample counts once per package group, and per Tollgate method, on its stack)", runs,
                 "java_inclusive", 40)
    out += table("top leaf frames", runs, "leaves", TOP)
    return "\n".join(out)


if __name__ == "__main__":
    if sys.argv[1] == "--compare":
        runs = [(p.rsplit("/", 1)[-1].removesuffix(".json"), json.load(open(p))) for p in sys.argv[2:]]
        print(report(runs))
    else:
        opener = gzip.open if sys.argv[1].endswith(".gz") else open
        src = sys.stdin if sys.argv[1] == "-" else opener(sys.argv[1], "rt", errors="replace")
        result = summarise(src, int(sys.argv[2]))
        if len(sys.argv) > 3:
            json.dump(result, open(sys.argv[3], "w"), indent=1)
        print(report([("this run", result)]))
