"""Reading a JFR recording's execution samples, for perf/jfr-summary.py and perf/jfr-diff.py."""
import json
import os
import re
import subprocess

EVENT_LOOPS = ("tollgate-io", "reactor-http")


def stacks(path, threads=EVENT_LOOPS):
    """Each sample's frames (innermost first) on threads whose name starts with one of `threads`."""
    jfr = os.path.join(os.environ.get("JFR_JAVA_HOME", "/usr/lib/jvm/java-17-openjdk-amd64"), "bin", "jfr")
    out = subprocess.run([jfr, "print", "--json", "--stack-depth", "200", "--events", "jdk.ExecutionSample", path],
                         capture_output=True, text=True, check=True).stdout
    for e in json.loads(out)["recording"]["events"]:
        v = e["values"]
        thread = (v.get("sampledThread") or {}).get("javaName") or ""
        if thread.startswith(tuple(threads)):
            frames = (v.get("stackTrace") or {}).get("frames", [])
            # Lambda classes are named per run (Foo$$Lambda$2305+0x...): one name for all, so runs compare.
            yield [re.sub(r"\$\$Lambda[$/+.\w]*?\.(\w+)$", r"$$Lambda.\1",
                          (f["method"]["type"]["name"] + "." + f["method"]["name"]).replace("/", "."))
                   for f in frames]
