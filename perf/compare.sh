#!/usr/bin/env bash
# Side-by-side comparison in one run: the same load against
#   direct (wrk -> nginx), a plain Spring Cloud Gateway route (same jar, no Tollgate filter), and Tollgate per mode,
# measuring the gateway process's CPU time per request (utime+stime from /proc), which holds steady on a noisy
# machine, with throughput and p50/p99 beside it. See perf/README.md.
#
#   perf/compare.sh                 # 3 repetitions, 8 s warm-up + 15 s measured per run
#   REPS=5 WARM=10 MEASURE=20 perf/compare.sh
#   ROWS='bearer|dpop' WARM=60 perf/compare.sh   # a subset of rows; a slow machine needs a longer JIT warm-up
#   THREADS=1 ROWS=dpop REPS=1 perf/compare.sh    # also the gateway's CPU per request by thread (where it goes)
#   JAVA=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java perf/compare.sh   # the gateways on another JDK
#   TOLLGATE_ARGS='--management.observations.enable.http=false' perf/compare.sh   # Tollgate rows with extra settings
#   OPEN=0 perf/compare.sh          # without the fixed-rate latency runs
#   BASE_JAR=/tmp/old/tollgate-gateway-exec.jar ROWS=bearer perf/compare.sh   # each Tollgate row also run on
#                                   # another build of the gateway ("[before]" rows): a change's effect in one run
#   JFR=1 ROWS=dpop REPS=1 perf/compare.sh   # also a JFR profile of each measured window (1 ms sampling), summarised
#                                   # by perf/jfr-summary.py; JFR costs CPU, so such a run's µs/req are not figures
#   SYSCALLS=1 ROWS=dpop REPS=1 perf/compare.sh  # also system calls per request in each measured window (perf stat)
#   PERF=1 ROWS=bearer REPS=1 perf/compare.sh  # also a Linux perf profile of each measured window (kernel, JVM, libc,
#                                   # native TLS and JIT-compiled Java, by perf/perf-summary.py); the gateways run with
#                                   # -XX:+PreserveFramePointer, so such a run's µs/req are not figures either
#
# Fixed arrival rate (OPEN=1, the default): for the rows matching OPEN_ROWS, after the closed measurement and on the
# same gateway, Gatling sends OPEN_LOAD (0.8) x the throughput just measured, at a fixed rate over OPEN_CONNECTIONS kept
# connections: OPEN_WARM s, then OPEN_MEASURE s measured; its p50/p99 go in a second table. Gatling talks TLS to the
# gateway itself, with the shim's client certificate: through HAProxy the load core (Gatling, HAProxy and nginx)
# saturated before the gateway's core did.
#
# Warm-up: WARM seconds, then WARM_STEP more at a time until the JIT compiler threads took under JIT_TARGET % of the
# gateway's CPU over the last step (at most WARM_MAX seconds in all). The JIT's share of the measured window is
# printed per row: a row measured while C2 still compiles is not a steady-state figure.
#
# Everything binds to 127.0.0.1. The gateway is pinned to core 0 (one Netty worker, ActiveProcessorCount=1, fixed
# heap); wrk, nginx (1 worker), HAProxy (the TLS client shim that presents the client certificate for every gateway
# row alike) and Redis to core 1.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
REPS=${REPS:-3}
WARM=${WARM:-25}
WARM_STEP=${WARM_STEP:-10}
WARM_MAX=${WARM_MAX:-180}
JIT_TARGET=${JIT_TARGET:-5}
JAVA=${JAVA:-java}
MEASURE=${MEASURE:-15}
CONNECTIONS=${CONNECTIONS:-16}
OPEN=${OPEN:-1}
OPEN_ROWS=${OPEN_ROWS:-'^(pure-scg|plain-gateway|tollgate-bearer-jwt$|tollgate-mtls-jwt \(L1 hit\))'}
OPEN_LOAD=${OPEN_LOAD:-0.8}
OPEN_WARM=${OPEN_WARM:-10}
OPEN_MEASURE=${OPEN_MEASURE:-20}
OPEN_CONNECTIONS=${OPEN_CONNECTIONS:-64}
UPSTREAM_PORT=18080
GATEWAY_PORT=18443
SHIM_PORT=18444
ADMIN_PORT=18445       # the AuthZEN rows: the gateway's admin listener (PerfSetup puts it at GATEWAY_PORT + 2)
ADMIN_SHIM_PORT=18446
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
cleanup() { for p in "${pids[@]:-}" ${BUSY_PID:-}; do kill "$p" 2>/dev/null || true; done; }
# The run folder is kept: perf/gatling.sh can reuse its material (-Dmaterial=<folder>).
trap cleanup EXIT

echo "building (skip tests) ..."
mvn -q -B -DskipTests -pl perf -am package dependency:build-classpath -Dmdep.outputFile="$RUN/cp.txt" \
    -Dmdep.includeScope=runtime >/dev/null
# Copied into the run folder: a rebuild while the comparison runs must not change what it measures.
cp "$ROOT/gateway/target/tollgate-gateway-exec.jar" "$RUN/tollgate.jar"
JAR="$RUN/tollgate.jar"
[[ -n "${BASE_JAR:-}" ]] && cp "$BASE_JAR" "$RUN/base.jar"
# The peers (issue 15): plain Spring Cloud Gateway, and SCG + Spring Security's resource server; same versions.
PEERS=1
for p in scg scg-security; do
  mvn -q -B -DskipTests -f "perf/peer/$p/pom.xml" package >/dev/null \
    && cp "perf/peer/$p/target/peer-$p.jar" "$RUN/" \
    || { echo "peer $p did not build: the peer rows are skipped"; PEERS=0; }
done
if [[ $OPEN == 1 ]]; then
  # Gatling runs from perf's test classpath (the scenarios are test sources). With -am and a lifecycle phase, as
  # above: the project's own modules resolve from this reactor, not from ~/.m2 (where a fresh machine has none).
  mvn -q -B -DskipTests -pl perf -am test-compile dependency:build-classpath -Dmdep.outputFile="$RUN/cp-test.txt" \
      -Dmdep.includeScope=test >/dev/null
  cp -r perf/target/test-classes "$RUN/gatling-classes"
fi
java -cp "perf/target/classes:$(cat "$RUN/cp.txt")" dev.tollgate.perf.setup.PerfSetup "$RUN" $UPSTREAM_PORT $GATEWAY_PORT
[[ $OPEN == 1 ]] && openssl pkcs12 -export -in "$RUN/client.pem" -inkey "$RUN/client-key.pem" -out "$RUN/client.p12" \
    -passout pass:perf
TOKEN=$(cat "$RUN/token.jwt")
if [[ "${JFR:-0}" == 1 ]]; then
  # JFR's profile settings with Java sampling every 1 ms instead of 10: enough samples in one measured window.
  JFR_HOME=$("$JAVA" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.home = //p')
  sed 's/>10 ms</>1 ms</; s/>20 ms</>1 ms</' "$JFR_HOME/lib/jfr/profile.jfc" > "$RUN/sampling.jfc"
  # Enabled from launch: starting JFR later instruments classes and deoptimises, and the measured window would be
  # half JIT. The measured window is then a second recording with the same settings (no new instrumentation).
  JFR_FLAGS="-XX:StartFlightRecording=settings=$RUN/sampling.jfc,maxage=1s"
fi
if [[ "${SYSCALLS:-0}" == 1 ]]; then
  need perf || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq linux-perf) >/dev/null
fi
if [[ "${PERF:-0}" == 1 ]]; then
  need perf || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq linux-perf) >/dev/null
  PERF_HOME=$("$JAVA" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.home = //p')
  # Frame pointers let perf walk JIT-compiled frames to their callers; the JVM's perf map names them.
  PERF_FLAGS="-XX:+PreserveFramePointer"
fi
echo "material (certificates, tokens, gateway configs; reusable with perf/gatling.sh): $RUN"

# Redis for the L2 row: the machine's own on 6379, or a throwaway one; either way on the load core.
if ! redis-cli -p 6379 ping >/dev/null 2>&1; then
  taskset -c 1 redis-server --bind 127.0.0.1 --port 6379 --save "" --appendonly no >/dev/null &
  pids+=($!)
  sleep 0.5
fi
for p in $(pgrep -x redis-server || true); do taskset -p -c 1 "$p" >/dev/null 2>&1 || true; done

mkdir -p "$RUN/nginx/www"
# nginx's worker (nobody) serves the issuer's public keys: traverse-only on the run folder, the file in its own.
chmod 711 "$RUN" && cp "$RUN/jwks-peer.json" "$RUN/nginx/www/jwks.json" && chmod 755 "$RUN/nginx" "$RUN/nginx/www"
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
    # The issuer's public keys, for the Spring Security peer (fetched once, then cached by it).
    location = /jwks.json { default_type application/json; alias $RUN/nginx/www/jwks.json; }
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
frontend admin_shim
  bind 127.0.0.1:$ADMIN_SHIM_PORT
  default_backend admin
backend admin
  server a1 127.0.0.1:$ADMIN_PORT ssl crt $RUN/client-combined.pem ca-file $RUN/server-ca.pem verify required sni str(localhost) verifyhost localhost
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

# The DPoP and new-token scripts send each line of a pre-generated file once: lines(file, skip, limit) reads the
# lines after the first skip, at most limit of them (0: all). perf/interleaved.sh loads one gateway many times, each
# load starting past the lines that gateway has already used.
LINES_LUA='
function lines(file, skip, limit)
  local got, n = {}, 0
  for line in io.lines(file) do
    n = n + 1
    if n > skip then got[#got + 1] = line end
    if limit > 0 and #got >= limit then break end
  end
  return got
end'
# DPoP: every request carries a fresh single-use proof, pre-generated by PerfSetup (warm-up and measurement files).
# Arguments: the proofs' file, the DPoP-bound token, and optionally how many proofs to skip and to read at most.
{ echo "$LINES_LUA"; cat <<'LUA'
local proofs = {}
local token
local skip = 0
init = function(args)
  skip = tonumber(args[3] or "0")
  proofs = lines(args[1], skip, tonumber(args[4] or "0"))
  token = args[2]
end
counter = 0
request = function()
  counter = counter + 1
  local i = ((counter - 1) % #proofs) + 1
  -- Line n of the file (from 1) is a proof for /api/perf/items/((n - 1) % 8).
  return wrk.format("GET", "/api/perf/items/" .. ((skip + i - 1) % 8),
    { ["Authorization"] = "DPoP " .. token, ["DPoP"] = proofs[i] })
end
LUA
} > "$RUN/dpop.lua"
# A new token per request (the cache-cold goal of issue 15): distinct ES256 tokens pre-generated by PerfSetup, each
# missing the verified-token cache. Arguments: the tokens' file, optionally how many to skip and to read (as for DPoP).
# The resource cycles over the hot script's eight, so only the token is new.
{ echo "$LINES_LUA"; cat <<'LUA'
local tokens = {}
init = function(args)
  tokens = lines(args[1], tonumber(args[2] or "0"), tonumber(args[3] or "0"))
end
counter = 0
request = function()
  counter = counter + 1
  local i = ((counter - 1) % #tokens) + 1
  return wrk.format("GET", "/api/perf/items/" .. ((i - 1) % 8), { ["Authorization"] = "Bearer " .. tokens[i] })
end
LUA
} > "$RUN/tokens.lua"
DPOP_TOKEN=$(cat "$RUN/dpop-token.jwt")

# The same 1 KiB JSON body POSTed to a plain bearer route: the baseline that isolates MCP inspection from proxying
# a request body.
cat > "$RUN/post.lua" <<'LUA'
local notes = string.rep("rain expected in the afternoon, light wind from the west; ", 15)
counter = 0
request = function()
  counter = counter + 1
  local body = '{"jsonrpc":"2.0","id":' .. counter .. ',"method":"tools/call","params":{"name":"get_forecast",'
    .. '"arguments":{"city":"Lyon","days":3,"units":"metric","include":["wind","rain"],"notes":"' .. notes .. '"}}}'
  local headers = { ["Content-Type"] = "application/json" }
  for k, v in pairs(wrk.headers) do headers[k] = v end
  return wrk.format("POST", "/api/perf/items/" .. (counter % 8), headers, body)
end
LUA

# MCP (issue 17): a 1 KiB tools/call per request, read and decided per tool by the gateway, then proxied.
cat > "$RUN/mcp.lua" <<'LUA'
local notes = string.rep("rain expected in the afternoon, light wind from the west; ", 15)
counter = 0
request = function()
  counter = counter + 1
  local body = '{"jsonrpc":"2.0","id":' .. counter .. ',"method":"tools/call","params":{"name":"get_forecast",'
    .. '"arguments":{"city":"Lyon","days":3,"units":"metric","include":["wind","rain"],"notes":"' .. notes .. '"}}}'
  -- wrk.format uses these headers instead of the command line's: carry Authorization over.
  local headers = { ["Content-Type"] = "application/json", ["Accept"] = "application/json, text/event-stream" }
  for k, v in pairs(wrk.headers) do headers[k] = v end
  return wrk.format("POST", "/api/perf/mcp", headers, body)
end
LUA

# AuthZEN (issue 13): the load client is the PEP; one evaluation, or a batch of 100, per request, about 8 resources.
cat > "$RUN/authzen.lua" <<'LUA'
counter = 0
request = function()
  counter = counter + 1
  local body = '{"subject":{"type":"workload","id":"spiffe://perf.test/ns/load/sa/user-' .. (counter % 8) .. '"},'
    .. '"action":{"name":"GET"},"resource":{"type":"http","id":"/api/perf/items/' .. (counter % 8) .. '"}}'
  return wrk.format("POST", "/access/v1/evaluation", { ["Content-Type"] = "application/json" }, body)
end
LUA
cat > "$RUN/authzen-batch.lua" <<'LUA'
local items = {}
for i = 0, 99 do
  items[#items + 1] = '{"resource":{"type":"http","id":"/api/perf/items/' .. (i % 8) .. '"},"action":{"name":"'
    .. (i % 10 == 0 and "DELETE" or "GET") .. '"}}'
end
local body = '{"subject":{"type":"workload","id":"spiffe://perf.test/ns/load/sa/user-1"},"evaluations":['
  .. table.concat(items, ",") .. ']}'
request = function()
  return wrk.format("POST", "/access/v1/evaluations", { ["Content-Type"] = "application/json" }, body)
end
LUA

# cpu_ticks, jit_ticks
source "$ROOT/perf/procfs.sh"
# start_gateway, row_token
source "$ROOT/perf/gateway.sh"
busy_load_core
rss_kib() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }
# THREADS=1: also where the gateway's CPU goes, per thread name (digits folded: reactor-http-epoll-N), in µs/req.
thread_ticks() {
  python3 - "$1" <<'PY'
import os, re, sys
pid = sys.argv[1]
for tid in os.listdir(f"/proc/{pid}/task"):
    try:
        stat = open(f"/proc/{pid}/task/{tid}/stat").read()
    except OSError:
        continue
    name = stat[stat.index("(") + 1:stat.rindex(")")]
    fields = stat[stat.rindex(")") + 2:].split()
    print(f"{tid}\t{re.sub(r'[0-9]+', 'N', name)}\t{int(fields[11]) + int(fields[12])}")
PY
}
thread_report() {  # before-file after-file requests
  python3 - "$1" "$2" "$3" "$TICKS" <<'PY'
import sys, collections
before, after, reqs, ticks = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
def read(f):
    return {l.split("\t")[0]: (l.split("\t")[1], int(l.split("\t")[2])) for l in open(f) if l.strip()}
b, a = read(before), read(after)
groups = collections.Counter()
for tid, (name, t) in a.items():
    groups[name] += t - b.get(tid, (name, 0))[1]
total = sum(groups.values())
for name, t in groups.most_common(8):
    print(f"      {name:28s} {t * 1e6 / ticks / max(reqs, 1):8.1f} us/req  {100.0 * t / max(total, 1):5.1f}%")
PY
}
# nginx does its work in its worker process(es), children of the master we started.
nginx_ticks() {
  local sum; sum=$(cpu_ticks "$NGINX_PID")
  for p in $(pgrep -P "$NGINX_PID"); do sum=$((sum + $(cpu_ticks "$p"))); done
  echo "$sum"
}

# name|gateway config (or -)|target port|lua script
CONFIGS=(
  "direct|-|$UPSTREAM_PORT|hot"
  "pure-scg (no security)|peer-scg|$SHIM_PORT|hot"
  "plain-gateway|plain|$SHIM_PORT|hot"
  "peer: scg + spring-security (ES256)|peer-scg-security|$SHIM_PORT|hot"
  "peer: scg + spring-security (RS256)|peer-scg-security-rs256|$SHIM_PORT|hot"
  "tollgate-bearer-jwt|bearer|$SHIM_PORT|hot"
  "tollgate-bearer-jwt (new token per request)|bearer|$SHIM_PORT|tokens"
  "tollgate-dpop (local replay store)|dpop|$SHIM_PORT|dpop"
  "tollgate-dpop (Redis replay store)|dpop-redis|$SHIM_PORT|dpop"
  "tollgate-mtls-jwt (L1 hit)|mtls-jwt|$SHIM_PORT|hot"
  "tollgate-mtls-jwt (L2 hit)|mtls-jwt-l2|$SHIM_PORT|hot"
  "tollgate-mtls-jwt (cache cold)|mtls-jwt|$SHIM_PORT|cold"
  "tollgate-bearer-jwt (POST 1 KiB)|bearer|$SHIM_PORT|post"
  "tollgate-mcp (tools/call, 1 KiB)|mcp|$SHIM_PORT|mcp"
  "tollgate-authzen (1 evaluation)|authzen|$ADMIN_SHIM_PORT|authzen"
  "tollgate-authzen (batch of 100)|authzen|$ADMIN_SHIM_PORT|authzen-batch"
)

if [[ $PEERS == 0 ]]; then
  kept=(); for c in "${CONFIGS[@]}"; do [[ "$c" == *"|peer-"* ]] || kept+=("$c"); done; CONFIGS=("${kept[@]}")
fi

# ROWS='plain|bearer|dpop' perf/compare.sh   # only the rows whose name matches (direct and plain are always kept)
if [[ -n "${ROWS:-}" ]]; then
  kept=()
  for c in "${CONFIGS[@]}"; do
    name=${c%%|*}
    if [[ "$name" == direct || "$name" == plain-gateway || "$name" == pure-scg* || "$name" =~ $ROWS ]]; then
      kept+=("$c")
    fi
  done
  CONFIGS=("${kept[@]}")
fi

if [[ -n "${BASE_JAR:-}" ]]; then
  with_base=()
  for c in "${CONFIGS[@]}"; do
    with_base+=("$c")
    IFS='|' read -r name mode port script <<<"$c"
    [[ "$name" == tollgate-* || "$name" == plain-gateway ]] && with_base+=("$name [before]|base:$mode|$port|$script")
  done
  CONFIGS=("${with_base[@]}")
fi

run_one() {
  local name=$1 mode=$2 port=$3 script=$4 rep=$5
  local gw="" token=$TOKEN jar=$JAR
  # A "[before]" row: the same configuration on the BASE_JAR build.
  local tag=""  # in the JFR file's name, so a [before] row's profile never overwrites the new build's
  [[ "$mode" == base:* ]] && { mode=${mode#base:}; jar="$RUN/base.jar"; tag="-before"; }
  if [[ "$mode" != "-" ]]; then
    # shellcheck disable=SC2086
    start_gateway "$mode" "$jar" "$GATEWAY_PORT" "$RUN/gateway-$mode.log" ${JFR_FLAGS:-} ${PERF_FLAGS:-}
    gw=$GW_PID
    token=$(row_token "$mode")
  fi
  if [[ -n "$gw" ]]; then
    local ready=0
    for _ in $(seq 1 150); do
      code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $token" \
             "http://127.0.0.1:$SHIM_PORT/api/perf/items/1" || true)
      # A DPoP route answers a Bearer probe with 401: it is up.
      if [[ "$code" == "200" || ( "$script" == "dpop" && "$code" == "401" ) ]]; then ready=1; break; fi
      sleep 0.2
    done
    if [[ $ready != 1 ]]; then
      echo "gateway ($mode) did not become ready"; tail -20 "$RUN/gateway-$mode.log"; kill "$gw"; exit 1
    fi
  fi
  local url="http://127.0.0.1:$port"
  local warm_args=() measure_args=()
  if [[ "$script" == "dpop" ]]; then
    warm_args=(-- "$RUN/proofs-warm.txt" "$DPOP_TOKEN"); measure_args=(-- "$RUN/proofs-measure.txt" "$DPOP_TOKEN")
  elif [[ "$script" == "tokens" ]]; then
    # Warm-up past the file's end reuses tokens (cache hits), which warms the JIT too; the measured ones are new.
    warm_args=(-- "$RUN/tokens-warm.txt"); measure_args=(-- "$RUN/tokens-measure.txt")
  fi
  taskset -c 1 wrk -t1 -c"$CONNECTIONS" -d"${WARM}s" -s "$RUN/$script.lua" -H "Authorization: Bearer $token" "$url" \
      "${warm_args[@]}" >/dev/null
  local warmed=$WARM
  # Until the JIT is done (its share of the last step under JIT_TARGET %), or WARM_MAX. DPoP rows cycle through their
  # warm-up proofs: past the file's end they are replays (401), which is warming too; the measured ones are fresh.
  while [[ -n "$gw" && $warmed -lt $WARM_MAX ]]; do
    local s0 j0 s1 j1
    s0=$(cpu_ticks "$gw"); j0=$(jit_ticks "$gw")
    taskset -c 1 wrk -t1 -c"$CONNECTIONS" -d"${WARM_STEP}s" -s "$RUN/$script.lua" -H "Authorization: Bearer $token" \
        "$url" "${warm_args[@]}" >/dev/null
    s1=$(cpu_ticks "$gw"); j1=$(jit_ticks "$gw")
    warmed=$((warmed + WARM_STEP))
    (( (j1 - j0) * 100 < JIT_TARGET * (s1 - s0 > 0 ? s1 - s0 : 1) )) && break
  done
  local g0=0 n0 h0 jit0=0
  [[ -n "$gw" ]] && { g0=$(cpu_ticks "$gw"); jit0=$(jit_ticks "$gw"); }
  [[ -n "$gw" && "${THREADS:-0}" == 1 ]] && thread_ticks "$gw" > "$RUN/threads-before.tsv"
  n0=$(nginx_ticks); h0=$(cpu_ticks "$HAPROXY_PID")
  [[ -n "$gw" && "${JFR:-0}" == 1 ]] && "$JFR_HOME/bin/jcmd" "$gw" JFR.start name=measure settings="$RUN/sampling.jfc" \
      filename="$RUN/jfr-$mode$tag-$rep.jfr" >/dev/null
  local perf_pid=""
  if [[ -n "$gw" && "${PERF:-0}" == 1 ]]; then
    taskset -c 1 perf record -q -F "${PERF_FREQ:-1999}" -g -p "$gw" -o "$RUN/perf-$mode$tag-$rep.data" \
        -- sleep "$MEASURE" >/dev/null 2>&1 &
    perf_pid=$!
  fi
  local stat_pid=""
  if [[ -n "$gw" && "${SYSCALLS:-0}" == 1 ]]; then
    # Counts, unlike CPU time, do not drift with the host: what a row does per request, not how fast the host was.
    taskset -c 1 perf stat -x, -o "$RUN/syscalls-$mode$tag-$rep.csv" -p "$gw" -e "$(printf 'syscalls:sys_enter_%s,' \
        sendto recvfrom write read epoll_ctl epoll_pwait epoll_pwait2 epoll_wait futex | sed 's/,$//')" \
        -- sleep "$MEASURE" >/dev/null 2>&1 &
    stat_pid=$!
  fi
  taskset -c 1 wrk -t1 -c"$CONNECTIONS" -d"${MEASURE}s" --latency -s "$RUN/$script.lua" \
      -H "Authorization: Bearer $token" "$url" "${measure_args[@]}" > "$RUN/wrk.out"
  local g1=0 n1 h1 jit1=0 rss=0
  [[ -n "$gw" ]] && { g1=$(cpu_ticks "$gw"); jit1=$(jit_ticks "$gw"); rss=$(rss_kib "$gw"); }
  [[ -n "$gw" && "${THREADS:-0}" == 1 ]] && thread_ticks "$gw" > "$RUN/threads-after.tsv"
  if [[ -n "$gw" && "${JFR:-0}" == 1 ]]; then
    "$JFR_HOME/bin/jcmd" "$gw" JFR.stop name=measure >/dev/null
    JFR_JAVA_HOME="$JFR_HOME" python3 perf/jfr-summary.py "$RUN/jfr-$mode$tag-$rep.jfr" > "$RUN/jfr-$mode$tag-$rep.txt" || true
    echo "  JFR profile: $RUN/jfr-$mode$tag-$rep.jfr, summary $RUN/jfr-$mode$tag-$rep.txt"
  fi
  n1=$(nginx_ticks); h1=$(cpu_ticks "$HAPROXY_PID")
  if [[ -n "$perf_pid" ]]; then
    wait "$perf_pid" || true
    "$PERF_HOME/bin/jcmd" "$gw" Compiler.perfmap >/dev/null 2>&1 || true
    # The symbolised samples are kept (the JVM's map file is gone with the process): summarise again at will.
    perf script -i "$RUN/perf-$mode$tag-$rep.data" -F comm,tid,period,ip,sym,dso 2>/dev/null \
      | gzip > "$RUN/perf-$mode$tag-$rep.script.gz"
    python3 perf/perf-summary.py "$RUN/perf-$mode$tag-$rep.script.gz" \
        "$(grep -oE '[0-9]+ requests in' "$RUN/wrk.out" | cut -d' ' -f1)" "$RUN/perf-$mode$tag-$rep.json" \
        > "$RUN/perf-$mode$tag-$rep.txt" || true
    rm -f "/tmp/perf-$gw.map" "$RUN/perf-$mode$tag-$rep.data"
    echo "  perf profile: $RUN/perf-$mode$tag-$rep.txt (compare: perf/perf-summary.py --compare a.json b.json)"
  fi
  if [[ -n "$stat_pid" ]]; then
    wait "$stat_pid" || true
    echo "  system calls per request: $(python3 -c 'import sys
n = int(sys.argv[2]) or 1
rows = [l.split(",") for l in open(sys.argv[1]) if l[:1].isdigit()]
print("  ".join(r[2].split("sys_enter_")[1] + " %.2f" % (int(r[0]) / n) for r in rows if int(r[0])))' \
        "$RUN/syscalls-$mode$tag-$rep.csv" "$(grep -oE '[0-9]+ requests in' "$RUN/wrk.out" | cut -d' ' -f1)")"
  fi
  local open_rate=nan open_p50=nan open_p99=nan open_ko=0
  if [[ -n "$gw" && $OPEN == 1 && "$name" =~ $OPEN_ROWS && "$port" == "$SHIM_PORT" ]]; then
    open_rate=$(python3 -c 'import re,sys; print(round(float(sys.argv[2]) * float(re.search(r"Requests/sec:\s+([\d.]+)",
        open(sys.argv[1]).read()).group(1))))' "$RUN/wrk.out" "$OPEN_LOAD")
    printf '%s\n' "$token" > "$RUN/open-token.txt"
    taskset -c 1 java --add-opens=java.base/java.lang=ALL-UNNAMED -Xms1g -Xmx1g -Dmodel=fixed-rate -Drate="$open_rate" \
        -Dwarm="$OPEN_WARM" -Dduration="$OPEN_MEASURE" -Dtarget="https://127.0.0.1:$GATEWAY_PORT" \
        -Dtoken-file="$RUN/open-token.txt" -Dgatling.ssl.keyStore.file="$RUN/client.p12" \
        -Dgatling.ssl.keyStore.password=perf -Dgatling.ssl.keyStore.type=PKCS12 -Dgatling.http.requestTimeout=10000 \
        -Dconnections="$OPEN_CONNECTIONS" \
        -cp "$RUN/gatling-classes:perf/target/classes:$(cat "$RUN/cp-test.txt")" io.gatling.app.Gatling \
        --simulation dev.tollgate.perf.gatling.TollgateSimulation --results-folder "$RUN/gatling" \
        > "$RUN/gatling-$mode-$rep.out" 2>&1 || true
    read -r open_p50 open_p99 open_ko < <(python3 - "$RUN/gatling-$mode-$rep.out" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
def actual(pattern):
    m = re.search(pattern + r".*?actual\s*:\s*([\d.]+)", text)
    return m.group(1) if m else "nan"
print(actual(r"50th percentile of response time"), actual(r"99th percentile of response time"),
      actual(r"count of failed events"))
PY
)
    [[ "$open_ko" == nan ]] && open_ko=0
    printf '  %-34s rep %s: fixed rate %s req/s: p50 %s ms  p99 %s ms  failed %s\n' "$name" "$rep" "$open_rate" \
        "$open_p50" "$open_p99" "$open_ko"
  fi
  [[ -n "$gw" ]] && { kill "$gw"; wait "$gw" 2>/dev/null || true; }
  python3 - "$RAW" "$name" "$rep" "$RUN/wrk.out" $((g1-g0)) $((n1-n0)) $((h1-h0)) "$TICKS" "$mode" \
      $((jit1-jit0)) "$warmed" "$rss" "$open_rate" "$open_p50" "$open_p99" "$open_ko" <<'PY'
import re, sys
raw, name, rep, out, g, n, h, ticks, mode, jit, warmed, rss, open_rate, open_p50, open_p99, open_ko = sys.argv[1:]
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
    jit_share = 100.0 * int(jit) / int(g) if mode != "-" and int(g) > 0 else float("nan")
    f.write("\t".join(map(str, [name, rep, reqs, rps, lat(50), lat(99), errors, gw, us(n), us(h), jit_share, warmed,
                                int(rss) / 1024, open_rate, open_p50, open_p99, open_ko])) + "\n")
print(f"  {name:34s} rep {rep}: {rps:9.0f} req/s  p50 {lat(50):6.2f} ms  p99 {lat(99):6.2f} ms  "
      f"gateway {gw:7.1f} us/req  JIT {jit_share:4.1f}% (warm-up {warmed}s)  errors {errors}"
      f"{'  ' + sock.group(0) if sock else ''}")
PY
  if [[ -n "$gw" && "${THREADS:-0}" == 1 ]]; then
    thread_report "$RUN/threads-before.tsv" "$RUN/threads-after.tsv" \
        "$(grep -oE '[0-9]+ requests in' "$RUN/wrk.out" | cut -d' ' -f1)" | tee -a "$RUN/threads.txt"
  fi
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

# The DPoP goal is relative to one native ES256 verification, measured here by JMH on the gateway's core.
ES256_US=nan
if printf '%s\n' "${CONFIGS[@]}" | grep -q '|dpop'; then
  echo "one native ES256 verification (JMH DPoPBenchmark.signatureOnly, accp, core 0) ..."
  taskset -c 0 "$JAVA" -cp "perf/target/classes:$(cat "$RUN/cp.txt")" org.openjdk.jmh.Main DPoPBenchmark.signatureOnly \
      -p provider=accp -p alg=ES256 -f 1 -wi 3 -w 2s -i 5 -r 2s -rf csv -rff "$RUN/es256.csv" >/dev/null 2>&1 \
    && ES256_US=$(python3 -c 'import csv,sys; print(float(next(csv.DictReader(open(sys.argv[1])))["Score"]) / 1000)' \
         "$RUN/es256.csv") || echo "  (JMH did not run: the DPoP goal is left open)"
fi

DATE=$(date -u +%Y-%m-%d)
OUT="perf/results/comparison-$DATE.md"
# Never overwrite an earlier run's table.
[[ -e "$OUT" ]] && OUT="perf/results/comparison-$DATE-$(date -u +%H%M).md"
mkdir -p perf/results
python3 - "$RAW" "$OUT" "$REPS" "$WARM" "$MEASURE" "$CONNECTIONS" "$ES256_US" "$JAVA" "$JIT_TARGET" "$WARM_MAX" <<'PY'
import statistics, sys, platform, subprocess, math
raw, out, reps, warm, measure, conns, es256, java, jit_target, warm_max = sys.argv[1:]
es256 = float(es256)
rows = {}
order = []
for line in open(raw):
    name, rep, reqs, rps, p50, p99, errors, gw, ngx, hap, jit, warmed, rss, orate, op50, op99, oko = \
        line.rstrip("\n").split("\t")
    if name not in rows:
        rows[name] = []
        order.append(name)
    rows[name].append(dict(rep=int(rep), rps=float(rps), p50=float(p50), p99=float(p99), errors=int(errors),
                           gw=float(gw), ngx=float(ngx), hap=float(hap), jit=float(jit), warmed=int(warmed),
                           rss=float(rss), orate=float(orate), op50=float(op50), op99=float(op99),
                           oko=int(float(oko))))
med = lambda xs: statistics.median(xs)
# The baseline: plain Spring Cloud Gateway in its own jar when it ran, else the Tollgate jar's route without the filter.
BASE = "pure-scg (no security)" if "pure-scg (no security)" in rows else "plain-gateway"
base = {r["rep"]: r["gw"] for r in rows.get(BASE, [])}
jdk = subprocess.run([java, "-version"], capture_output=True, text=True).stderr.splitlines()[0]
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
lines = [f"# Side-by-side comparison — {__import__('datetime').date.today()}", "",
         f"- JDK: {jdk}; machine: {cpu}, {subprocess.run(['nproc'], capture_output=True, text=True).stdout.strip()} cores, "
         f"{platform.system()} {platform.release()}",
         f"- {reps} repetitions per configuration, alternating order, fresh gateway JVM each run; warm-up {warm} s, then "
         f"10 s more at a time until the JIT compiler threads take under {jit_target} % of the gateway's CPU (at most "
         f"{warm_max} s; the warm-up column); {measure} s measured; wrk, 1 thread, {conns} connections, keep-alive.",
         "- Gateway pinned to core 0 (`-XX:ActiveProcessorCount=1`, one Netty I/O worker, 512 MiB heap, Serial GC); "
         "wrk, nginx (1 worker), HAProxy (TLS client shim presenting the client certificate, connections reused) and "
         "Redis on core 1. Every gateway row goes through the same shim, so its cost cancels in the ratios.",
         "- **Gateway CPU µs/request** = Δ(utime+stime) of the gateway process / requests completed (includes GC and JIT). "
         "Ratio = each repetition's figure over pure SCG's (plain Spring Cloud Gateway in its own jar; the Tollgate jar's "
         "unfiltered route when the peers did not build) in the same repetition; median (min–max).",
         "",
         "| Configuration | Gateway CPU µs/req (median) | Ratio to pure SCG | Goal (issue 15) | Throughput req/s (median) | p50 ms | p99 ms | Non-2xx | JIT % of measured CPU | Warm-up s | RSS MiB | nginx µs/req | HAProxy µs/req |",
         "|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
def gw_med(name):
    gws = [r["gw"] for r in rows.get(name, []) if not math.isnan(r["gw"])]
    return med(gws) if gws else float("nan")
def ratio_med(name):
    rs = [r["gw"] / base[r["rep"]] for r in rows.get(name, []) if r["rep"] in base and not math.isnan(r["gw"])]
    return med(rs) if rs else float("nan")
def verdict(value, limit, text, *names):
    # A row that answered anything but 2xx measured something else (an expired token's 401 costs far less than a
    # verification): no verdict from it.
    errors = sum(r["errors"] for n in names for r in rows.get(n, []))
    if errors:
        return f"{text} — void ({errors} non-2xx)"
    if math.isnan(value) or math.isnan(limit):
        return f"{text} — not measured"
    return f"{text} — {'**met**' if value <= limit else 'missed'}"
goals = {
    "plain-gateway": verdict(ratio_med("plain-gateway"), 1.05, "≤ 1.05×", "plain-gateway", BASE),
    "tollgate-bearer-jwt": verdict(ratio_med("tollgate-bearer-jwt"), 1.25, "≤ 1.25×", "tollgate-bearer-jwt", BASE),
    "tollgate-mtls-jwt (L1 hit)": verdict(ratio_med("tollgate-mtls-jwt (L1 hit)"), 1.25, "≤ 1.25×",
        "tollgate-mtls-jwt (L1 hit)", BASE),
    "tollgate-dpop (local replay store)": verdict(gw_med("tollgate-dpop (local replay store)"),
        gw_med("tollgate-bearer-jwt") + 1.2 * es256,
        f"≤ bearer + 1.2 × ES256 verify ({es256:.1f} µs) = {gw_med('tollgate-bearer-jwt') + 1.2 * es256:.0f} µs",
        "tollgate-dpop (local replay store)", "tollgate-bearer-jwt"),
    "tollgate-dpop (Redis replay store)": verdict(gw_med("tollgate-dpop (Redis replay store)"),
        gw_med("tollgate-dpop (local replay store)") + 25,
        f"≤ local store + 25 = {gw_med('tollgate-dpop (local replay store)') + 25:.0f} µs",
        "tollgate-dpop (Redis replay store)", "tollgate-dpop (local replay store)"),
    "tollgate-mtls-jwt (L2 hit)": verdict(gw_med("tollgate-mtls-jwt (L2 hit)"),
        gw_med("tollgate-mtls-jwt (L1 hit)") + 25, f"≤ L1 + 25 = {gw_med('tollgate-mtls-jwt (L1 hit)') + 25:.0f} µs",
        "tollgate-mtls-jwt (L2 hit)", "tollgate-mtls-jwt (L1 hit)"),
    # Issue 15's cache-cold goal: a new token per request (each one verified), ES256 against the peer's RS256.
    "tollgate-bearer-jwt (new token per request)": verdict(gw_med("tollgate-bearer-jwt (new token per request)"),
        gw_med("peer: scg + spring-security (RS256)"),
        f"≤ peer RS256 = {gw_med('peer: scg + spring-security (RS256)'):.0f} µs",
        "tollgate-bearer-jwt (new token per request)", "peer: scg + spring-security (RS256)"),
}
for name in order:
    rs = rows[name]
    gws = [r["gw"] for r in rs if not math.isnan(r["gw"])]
    ratios = [r["gw"] / base[r["rep"]] for r in rs if r["rep"] in base and not math.isnan(r["gw"])]
    ratio = f"{med(ratios):.2f} ({min(ratios):.2f}–{max(ratios):.2f})" if ratios else "—"
    gw = f"{med(gws):.1f} ({min(gws):.1f}–{max(gws):.1f})" if gws else "— (no gateway)"
    jits = [r["jit"] for r in rs if not math.isnan(r["jit"])]
    jit = f"{med(jits):.1f} ({min(jits):.1f}–{max(jits):.1f})" if jits else "—"
    ws = [r["warmed"] for r in rs]
    warmed = (f"{min(ws)}–{max(ws)}" if min(ws) != max(ws) else f"{ws[0]}") if jits else "—"
    rss = f"{med([r['rss'] for r in rs]):.0f}" if jits else "—"
    lines.append(f"| {name} | {gw} | {ratio} | {goals.get(name, '')} | {med([r['rps'] for r in rs]):.0f} | "
                 f"{med([r['p50'] for r in rs]):.2f} | {med([r['p99'] for r in rs]):.2f} | {sum(r['errors'] for r in rs)} | "
                 f"{jit} | {warmed} | {rss} | {med([r['ngx'] for r in rs]):.1f} | {med([r['hap'] for r in rs]):.1f} |")
for name in order:
    if name == "tollgate-authzen (batch of 100)":
        rs = [r["gw"] / 100 for r in rows[name]]
        lines.append(f"- {name}: {med(rs):.1f} µs of gateway CPU per evaluation ({min(rs):.1f}–{max(rs):.1f}); "
                     f"{med([r['rps'] for r in rows[name]]) * 100:.0f} evaluations/s on one core.")
open_rows = [n for n in order if any(not math.isnan(r["op99"]) for r in rows[n])]
if open_rows:
    def op99_med(name):
        xs = [r["op99"] for r in rows.get(name, []) if not math.isnan(r["op99"])]
        return med(xs) if xs else float("nan")
    plain_p99 = op99_med("plain-gateway")
    lines += ["", "Fixed arrival rate (Gatling: 0.8 × the row's closed-model throughput in that repetition, over 64 kept "
              "connections each sending at a fixed pace, TLS to the gateway with the shim's client certificate; "
              "Gatling on core 1; latencies in whole ms as Gatling records them):", "",
              "| Configuration | Arrival rate req/s (median) | p50 ms | p99 ms, median (min–max) | Failed | Goal (issue 15) |",
              "|---|---|---|---|---|---|"]
    for name in open_rows:
        rs = [r for r in rows[name] if not math.isnan(r["op99"])]
        p99s = [r["op99"] for r in rs]
        goal = ""
        if name.startswith("tollgate-"):
            failed = sum(r["oko"] for n in (name, "plain-gateway") for r in rows.get(n, []) if not math.isnan(r["op99"]))
            goal = (f"void ({failed:.0f} failed)" if failed
                    else verdict(op99_med(name), 2 * plain_p99, f"≤ 2 × the plain row's p99 = {2 * plain_p99:.0f} ms"))
        lines.append(f"| {name} | {med([r['orate'] for r in rs]):.0f} | {med([r['op50'] for r in rs]):.0f} | "
                     f"{med(p99s):.0f} ({min(p99s):.0f}–{max(p99s):.0f}) | {sum(r['oko'] for r in rs)} | {goal} |")
bearer = {r["rep"]: r["gw"] for r in rows.get("tollgate-bearer-jwt", [])}
for name in order:
    if name.startswith("tollgate-dpop"):
        rs = [r["gw"] / bearer[r["rep"]] for r in rows[name] if r["rep"] in bearer]
        if rs:
            lines.append(f"- {name}: {med(rs):.2f}× the bearer-JWT row's CPU per request ({min(rs):.2f}–{max(rs):.2f}).")
lines += ["", "DPoP rows: every request carries a fresh single-use proof (pre-generated, ES256), checked in full "
          "(signature on the natively backed provider, htm/htu/iat/ath/jkt) and marked used in the replay store.", ""]
open(out, "w").write("\n".join(lines))
print("\n".join(lines))
PY
cp "$RAW" "${OUT%.md}.raw.tsv"
echo "wrote $OUT"
