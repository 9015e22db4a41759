"""DPoP − bearer by part (native crypto, under WorkloadAuthenticator, kernel, the rest), from two rows' perf samples.

    groups.py BEFORE.script.gz REQUESTS AFTER.script.gz REQUESTS   # perf-*.script.gz as perf/compare.sh PERF=1 keeps
"""
import collections, gzip, importlib.util, os, sys
spec = importlib.util.spec_from_file_location("ps", os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "perf-summary.py")); ps = importlib.util.module_from_spec(spec); spec.loader.exec_module(ps)
def run(path, reqs):
    c = collections.Counter()
    for thread, period, frames in ps.parse(gzip.open(path, "rt", errors="replace")):
        if not frames: continue
        cat = ps.category(*frames[0])
        syms = [s for s, d in frames]
        under = "authn" if any(s.startswith("dev.tollgate.gateway.authn.WorkloadAuthenticator") for s in syms) else "-"
        if cat == "Java (JIT-compiled)":
            s = frames[0][0]
            g = next((g for g in ps.GROUPS if s.startswith(g)), s.split(".")[0] if "." in s else "other")
            if s.startswith("dev.tollgate"): g = ".".join(s.split(".")[:4])
            key = f"{under:5s} java {g}"
        elif cat == "kernel":
            key = f"{under:5s} kernel {ps.kernel_reason(frames)}"
        else:
            key = f"{under:5s} {cat}"
        c[key] += period
    return {k: v / 1000 / reqs for k, v in c.items()}
a = run(sys.argv[1], int(sys.argv[2])); b = run(sys.argv[3], int(sys.argv[4]))
keys = sorted(set(a) | set(b), key=lambda k: -abs(b.get(k, 0) - a.get(k, 0)))
print(f"total a {sum(a.values()):.1f} b {sum(b.values()):.1f}")
for k in keys[:45]:
    print(f"{k[:80]:80s} {a.get(k,0):8.2f} {b.get(k,0):8.2f} {b.get(k,0)-a.get(k,0):+8.2f}")
def summ(d):
    s = collections.Counter()
    for k, v in d.items():
        under = k[:5].strip()
        if "native TLS" in k: s["native crypto/TLS"] += v
        elif under == "authn": s["under WorkloadAuthenticator (Java, JVM, stubs)"] += v
        elif " kernel " in k: s["kernel"] += v
        else: s["rest (framework Java, JVM, libc)"] += v
    return s
sa, sb = summ(a), summ(b)
for k in sb: print(f"SUM {k:50s} {sa[k]:8.2f} {sb[k]:8.2f} {sb[k]-sa[k]:+8.2f}  x{sb[k]/sa[k] if sa[k] else 0:.2f}")
