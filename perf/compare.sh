#!/usr/bin/env bash
# Side-by-side comparison in one run: the same load against
#   direct (wrk -> nginx), a plain Spring Cloud Gateway route (same jar, no Tollgate filter), and Tollgate per mode,
# measuring the gateway process's CPU time per request (utime+stime from /proc), which holds steady on a noisy
# machine, with throughput and p50/p99 beside it. See perf/README.md.
#
#   perf/compare.sh                 # 3 repetitions, 8 s warm-up + 15 s measured per run
#   REPS=5 WARM=10 MEASURE=20 perf/compare.sh
#
# Everything binds to 127.0.0.1. The gateway is pinned to core 0 (one Netty worker, ActiveProcessorCount=1, fixed
# heap); wrk, nginx (1 worker), HAProxy (the TLS client shim that presents the client certificate for every gateway
# row alike) and Redis to core 1.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
REPS=${REPS:-3}
WARM=${WARM:-25}
MEASURE=${MEASURE:-15}
CONNECTIONS=${CONNECTIONS:-16}
UPSTREAM_PORT=18080
GATEWAY_PORT=18443
SHIM_PORT=18444
RUN=$(mktemp -d /tmp/tollgate-perf.XXXXXX)
RAW="$RUN/raw.tsv"
JVM_FLAGS="-XX:ActiveProcessorCount=1 -Xms512m -Xmx512m -XX:+UseSerialGC -Dreactor.netty.ioWorkerCount=1"
TICKS=$(getconf CLK_TCK)

need() { command -v "$1" >/dev/null 2>&1; }
if ! need wrk || ! need nginx || ! need haproxy || ! need redis-server; then
  echo "installing wrk, nginx-light, haproxy, redis-server"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk nginx-light haproxy redis-server) >/dev/null
fi

pids=()
cleanup() { for p in "${pids[@]:-}"; do kill "$p" 2>/dev/null || true; done; }
# The run folder is kept: perf/gatling.sh can reuse its material (-Dmaterial=<folder>).
trap cleanup EXIT

echo "building (skip tests) ..."
mvn -q -B -DskipTests -pl perf -am package dependency:build-classpath -Dmdep.outputFile="$RUN/cp.txt" \
    -Dmdep.includeScope=runtime >/dev/null
JAR="$ROOT/gateway/target/tollgate-gateway-exec.jar"
java -cp "perf/target/classes:$(cat "$RUN/cp.txt")" dev.tollgate.perf.setup.PerfSetup "$RUN" $UPSTREAM_PORT $GATEWAY_PORT
TOKEN=$(cat "$RUN/token.jwt")
echo "material (certificates, tokens, gateway configs; reusable with perf/gatling.sh): $RUN"

# Redis for the L2 row: the machine's own on 6379, or a throwaway one; either way on the load core.
if ! redis-cli -p 6379 ping >/dev/null 2>&1; then
  taskset -c 1 redis-server --bind 127.0.0.1 --port 6379 --save "" --appendonly no >/dev/null &
  pids+=($!)
  sleep 0.5
fi
for p in $(pgrep -x redis-server || true); do taskset -p -c 1 "$p" >/dev/null 2>&1 || true; done

mkdir -p "$RUN/nginx"
cat > "$RUN/nginx.conf" <<NGINX
worker_processes 1;
daemon off;
pid $RUN/nginx/nginx.pid;
error_log $RUN/nginx/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 10000000;
  client_body_temp_path $RUN/nginx/body;
  proxy_temp_path $RUN/nginx/proxy;
  fastcgi_temp_path $RUN/nginx/fastcgi;
  uwsgi_temp_path $RUN/nginx/uwsgi;
  scgi_temp_path $RUN/nginx/scgi;
  server {
    listen 127.0.0.1:$UPSTREAM_PORT;
    location / { default_type text/plain; return 200 "ok\n"; }
  }
}
NGINX
taskset -c 1 nginx -c "$RUN/nginx.conf" -p "$RUN/nginx" &
NGINX_PID=$!
pids+=($NGINX_PID)

cat > "$RUN/haproxy.cfg" <<HAP
global
  maxconn 4096
  nbthread 1
defaults
  mode http
  timeout connect 5s
  timeout client 120s
  timeout server 120s
  http-reuse always
frontend shim
  bind 127.0.0.1:$SHIM_PORT
  default_backend gateway
backend gateway
  server g1 127.0.0.1:$GATEWAY_PORT ssl crt $RUN/client-combined.pem ca-file $RUN/server-ca.pem verify required sni str(localhost) verifyhost localhost
HAP
taskset -c 1 haproxy -f "$RUN/haproxy.cfg" -db >/dev/null 2>&1 &
HAPROXY_PID=$!
pids+=($HAPROXY_PID)

cat > "$RUN/hot.lua" <<'LUA'
counter = 0
request = function()
  counter = counter + 1
  return wrk.format("GET", "/api/perf/items/" .. (counter % 8))
end
LUA
cat > "$RUN/cold.lua" <<'LUA'
counter = 0
request = function()
  counter = counter + 1
  return wrk.format("GET", "/api/perf/items/c" .. counter .. "-" .. math.random(1000000000))
end
LUA

cpu_ticks() { awk '{print $14+$15}' "/proc/$1/stat"; }
# nginx does its work in its worker process(es), children of the master we started.
nginx_ticks() {
  local sum; sum=$(cpu_ticks "$NGINX_PID")
  for p in $(pgrep -P "$NGINX_PID"); do sum=$((sum + $(cpu_ticks "$p"))); done
  echo "$sum"
}

# name|gateway config (or -)|target port|lua script
CONFIGS=(
  "direct|-|$UPSTREAM_PORT|hot"
  "plain-gateway|plain|$SHIM_PORT|hot"
  "tollgate-bearer-jwt|bearer|$SHIM_PORT|hot"
  "tollgate-mtls-jwt (L1 hit)|mtls-jwt|$SHIM_PORT|hot"
  "tollgate-mtls-jwt (L2 hit)|mtls-jwt-l2|$SHIM_PORT|hot"
  "tollgate-mtls-jwt (cache cold)|mtls-jwt|$SHIM_PORT|cold"
)

run_one() {
  local name=$1 mode=$2 port=$3 script=$4 rep=$5
  local gw=""
  if [[ "$mode" != "-" ]]; then
    TOLLGATE_CONFIG_DIR="$RUN/config-$mode" taskset -c 0 java $JVM_FLAGS -jar "$JAR" >"$RUN/gateway-$mode.log" 2>&1 &
    gw=$!
    local ready=0
    for _ in $(seq 1 150); do
      code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOKEN" \
             "http://127.0.0.1:$SHIM_PORT/api/perf/items/1" || true)
      if [[ "$code" == "200" ]]; then ready=1; break; fi
      sleep 0.2
    done
    if [[ $ready != 1 ]]; then echo "gateway ($mode) did not become ready"; tail -20 "$RUN/gateway-$mode.log"; exit 1; fi
  fi
  local url="http://127.0.0.1:$port"
  taskset -c 1 wrk -t1 -c"$CONNECTIONS" -d"${WARM}s" -s "$RUN/$script.lua" -H "Authorization: Bearer $TOKEN" "$url" >/dev/null
  local g0=0 n0 h0
  [[ -n "$gw" ]] && g0=$(cpu_ticks "$gw")
  n0=$(nginx_ticks); h0=$(cpu_ticks "$HAPROXY_PID")
  taskset -c 1 wrk -t1 -c"$CONNECTIONS" -d"${MEASURE}s" --latency -s "$RUN/$script.lua" \
      -H "Authorization: Bearer $TOKEN" "$url" > "$RUN/wrk.out"
  local g1=0 n1 h1
  [[ -n "$gw" ]] && g1=$(cpu_ticks "$gw")
  n1=$(nginx_ticks); h1=$(cpu_ticks "$HAPROXY_PID")
  [[ -n "$gw" ]] && { kill "$gw"; wait "$gw" 2>/dev/null || true; }
  python3 - "$RAW" "$name" "$rep" "$RUN/wrk.out" $((g1-g0)) $((n1-n0)) $((h1-h0)) "$TICKS" "$mode" <<'PY'
import re, sys
raw, name, rep, out, g, n, h, ticks, mode = sys.argv[1:]
text = open(out).read()
reqs = int(re.search(r"(\d+) requests in", text).group(1))
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
def lat(p):
    m = re.search(r"^\s+%s%%\s+([\d.]+)(us|ms|s)" % p, text, re.M)
    v, u = float(m.group(1)), m.group(2)
    return v * {"us": 0.001, "ms": 1.0, "s": 1000.0}[u]
bad = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
errors = int(bad.group(1)) if bad else 0
sock = re.search(r"Socket errors: .*", text)
us = lambda t: int(t) * 1e6 / int(ticks) / max(reqs, 1)
gw = us(g) if mode != "-" else float("nan")
with open(raw, "a") as f:
    f.write("\t".join(map(str, [name, rep, reqs, rps, lat(50), lat(99), errors, gw, us(n), us(h)])) + "\n")
print(f"  {name:34s} rep {rep}: {rps:9.0f} req/s  p50 {lat(50):6.2f} ms  p99 {lat(99):6.2f} ms  "
      f"gateway {gw:7.1f} us/req  errors {errors}{'  ' + sock.group(0) if sock else ''}")
PY
}

echo "runs: $REPS repetitions x ${#CONFIGS[@]} configurations, ${WARM}s warm-up + ${MEASURE}s each, $CONNECTIONS connections"
for rep in $(seq 1 "$REPS"); do
  n=${#CONFIGS[@]}
  for i in $(seq 0 $((n-1))); do
    # Alternate the order between repetitions so drift on the machine does not favour one row.
    idx=$(( (rep % 2 == 1) ? i : n-1-i ))
    IFS='|' read -r name mode port script <<<"${CONFIGS[$idx]}"
    run_one "$name" "$mode" "$port" "$script" "$rep"
  done
done

DATE=$(date -u +%Y-%m-%d)
OUT="perf/results/comparison-$DATE.md"
mkdir -p perf/results
python3 - "$RAW" "$OUT" "$REPS" "$WARM" "$MEASURE" "$CONNECTIONS" <<'PY'
import statistics, sys, platform, subprocess, math
raw, out, reps, warm, measure, conns = sys.argv[1:]
rows = {}
order = []
for line in open(raw):
    name, rep, reqs, rps, p50, p99, errors, gw, ngx, hap = line.rstrip("\n").split("\t")
    if name not in rows:
        rows[name] = []
        order.append(name)
    rows[name].append(dict(rep=int(rep), rps=float(rps), p50=float(p50), p99=float(p99), errors=int(errors),
                           gw=float(gw), ngx=float(ngx), hap=float(hap)))
med = lambda xs: statistics.median(xs)
base = {r["rep"]: r["gw"] for r in rows.get("plain-gateway", [])}
jdk = subprocess.run(["java", "-version"], capture_output=True, text=True).stderr.splitlines()[0]
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
lines = [f"# Side-by-side comparison — {__import__('datetime').date.today()}", "",
         f"- JDK: {jdk}; machine: {cpu}, {subprocess.run(['nproc'], capture_output=True, text=True).stdout.strip()} cores, "
         f"{platform.system()} {platform.release()}",
         f"- {reps} repetitions per configuration, alternating order, fresh gateway JVM each run; {warm} s warm-up + "
         f"{measure} s measured; wrk, 1 thread, {conns} connections, keep-alive.",
         "- Gateway pinned to core 0 (`-XX:ActiveProcessorCount=1`, one Netty I/O worker, 512 MiB heap, Serial GC); "
         "wrk, nginx (1 worker), HAProxy (TLS client shim presenting the client certificate, connections reused) and "
         "Redis on core 1. Every gateway row goes through the same shim, so its cost cancels in the ratios.",
         "- **Gateway CPU µs/request** = Δ(utime+stime) of the gateway process / requests completed (includes GC and JIT). "
         "Ratio = each repetition's figure over the plain gateway's figure in the same repetition; median (min–max).",
         "",
         "| Configuration | Gateway CPU µs/req (median) | Ratio to plain gateway | Throughput req/s (median) | p50 ms | p99 ms | Non-2xx | nginx µs/req | HAProxy µs/req |",
         "|---|---|---|---|---|---|---|---|---|"]
for name in order:
    rs = rows[name]
    gws = [r["gw"] for r in rs if not math.isnan(r["gw"])]
    ratios = [r["gw"] / base[r["rep"]] for r in rs if r["rep"] in base and not math.isnan(r["gw"])]
    ratio = f"{med(ratios):.2f} ({min(ratios):.2f}–{max(ratios):.2f})" if ratios else "—"
    gw = f"{med(gws):.1f} ({min(gws):.1f}–{max(gws):.1f})" if gws else "— (no gateway)"
    lines.append(f"| {name} | {gw} | {ratio} | {med([r['rps'] for r in rs]):.0f} | {med([r['p50'] for r in rs]):.2f} | "
                 f"{med([r['p99'] for r in rs]):.2f} | {sum(r['errors'] for r in rs)} | {med([r['ngx'] for r in rs]):.1f} | "
                 f"{med([r['hap'] for r in rs]):.1f} |")
lines += ["", "DPoP rows: not measured — DPoP (issue #5) has not landed; the harness has no DPoP row yet.", ""]
open(out, "w").write("\n".join(lines))
print("\n".join(lines))
PY
cp "$RAW" "perf/results/comparison-$DATE.raw.tsv"
echo "wrote $OUT"
