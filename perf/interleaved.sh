#!/usr/bin/env bash
# Gateways measured side by side in time: all of them started at once on the gateway core, the load switched from one
# to the next every few seconds, round after round, and each one's CPU per request summed over its own slices.
#
#   perf/interleaved.sh RUN label=spec [label=spec ...]
#   perf/interleaved.sh /tmp/tollgate-perf.XXXX pure=peer-scg plain=plain bearer=bearer \
#       'plain [before]=plain@/tmp/old.jar' 'bearer [before]=bearer@/tmp/old.jar'
#
# RUN is a run folder perf/compare.sh left (certificates, tokens, gateway configs, nginx.conf). A spec is a Tollgate
# configuration of that folder (plain, bearer, mtls-jwt, ...), on the run's jar or, after '@', on another build's; or
# peer-scg / peer-scg-security for the peers. ROUNDS (20) rounds of SLICE (3) seconds per gateway, after WARM (60)
# seconds of load each, given in rounds of 15 s. Same machine layout as compare.sh: gateways pinned to core 0 (one
# Netty worker each, 512 MiB heap, Serial GC), wrk, nginx and HAProxy on core 1.
#
# Why: on a shared host the same build's CPU per request drifts by 5-30 % between runs minutes apart (a neighbour's
# load slows every instruction alike), while compare.sh runs its rows one after another. Slices a few seconds apart see
# the same host: the ratio of two gateways holds where their separate figures do not. Each round's ratios to the first
# gateway are printed, with their median and min-max over the rounds; the gateways idle between their slices (an idle
# gateway's timers cost it a few ms, counted to it, not to the others).
set -euo pipefail
cd "$(dirname "$0")/.."
RUN=$1; shift
ROUNDS=${ROUNDS:-20}
SLICE=${SLICE:-3}
WARM=${WARM:-60}
CONNECTIONS=${CONNECTIONS:-16}
JAVA=${JAVA:-java}
JVM_FLAGS="-XX:ActiveProcessorCount=1 -Xms512m -Xmx512m -XX:+UseSerialGC -Dreactor.netty.ioWorkerCount=1"
UPSTREAM_PORT=18080
TICKS=$(getconf CLK_TCK)
TOKEN=$(cat "$RUN/token.jwt")

pids=()
cleanup() { for p in "${pids[@]:-}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT
if ss -ltn | grep -qE ":(18080|20443|20444) "; then
  echo "a port this needs is taken (another comparison running?)"; exit 1
fi

taskset -c 1 nginx -c "$RUN/nginx.conf" -p "$RUN/nginx" &
pids+=($!)
labels=(); ports=(); gws=()
cfg="$RUN/interleaved-haproxy.cfg"
printf 'global\n  maxconn 4096\n  nbthread 1\ndefaults\n  mode http\n  timeout connect 5s\n  timeout client 120s\n  timeout server 120s\n  http-reuse always\n' > "$cfg"
i=0
for arg in "$@"; do
  label=${arg%%=*}; spec=${arg#*=}
  port=$((20443 + 2 * i)); shim=$((port + 1))
  mode=${spec%%@*}; jar="$RUN/tollgate.jar"; [[ "$spec" == *@* ]] && jar=${spec#*@}
  printf 'frontend f%d\n  bind 127.0.0.1:%d\n  default_backend b%d\nbackend b%d\n  server g 127.0.0.1:%d ssl crt %s ca-file %s verify required sni str(localhost) verifyhost localhost\n' \
      "$i" "$shim" "$i" "$i" "$port" "$RUN/client-combined.pem" "$RUN/server-ca.pem" >> "$cfg"
  if [[ "$mode" == peer-* ]]; then
    routes=spring.cloud.gateway.server.webflux.routes
    taskset -c 0 "$JAVA" $JVM_FLAGS -jar "$RUN/$mode.jar" --server.port=$port \
        --server.ssl.certificate="$RUN/server.pem" --server.ssl.certificate-private-key="$RUN/server-key.pem" \
        "--$routes[0].id=perf" "--$routes[0].uri=http://127.0.0.1:$UPSTREAM_PORT" \
        "--$routes[0].predicates[0]=Path=/api/perf/**" \
        --spring.security.oauth2.resourceserver.jwt.jwk-set-uri="http://127.0.0.1:$UPSTREAM_PORT/jwks.json" \
        --spring.security.oauth2.resourceserver.jwt.jws-algorithms=ES256 \
        --logging.level.root=warn >"$RUN/interleaved-$i.log" 2>&1 &
  else
    TOLLGATE_CONFIG_DIR="$RUN/config-$mode" taskset -c 0 "$JAVA" $JVM_FLAGS \
        -Dtollgate.redis.key-prefix="tollgate-interleaved-$i-$RANDOM:" -jar "$jar" --server.port=$port \
        >"$RUN/interleaved-$i.log" 2>&1 &
  fi
  gws+=($!); pids+=($!); labels+=("$label"); ports+=("$shim")
  i=$((i + 1))
done
taskset -c 1 haproxy -f "$cfg" -db >/dev/null 2>&1 &
pids+=($!)

for k in "${!gws[@]}"; do
  ok=0
  for _ in $(seq 1 300); do
    code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOKEN" \
        "http://127.0.0.1:${ports[$k]}/api/perf/items/1" || true)
    [[ "$code" == 200 ]] && { ok=1; break; }
    sleep 0.2
  done
  [[ $ok == 1 ]] || { echo "${labels[$k]} did not become ready"; tail -20 "$RUN/interleaved-$k.log"; exit 1; }
done

# cpu_ticks, jit_ticks
source perf/procfs.sh
load() {  # port seconds -> requests completed (non-2xx counted apart)
  taskset -c 1 wrk -t1 -c"$CONNECTIONS" -d"$2s" -s "$RUN/hot.lua" -H "Authorization: Bearer $TOKEN" \
      "http://127.0.0.1:$1" > "$RUN/interleaved-wrk.out"
  if grep -q "Non-2xx" "$RUN/interleaved-wrk.out"; then
    echo "non-2xx answers on port $1" >&2; cat "$RUN/interleaved-wrk.out" >&2; exit 1
  fi
  grep -oE '[0-9]+ requests in' "$RUN/interleaved-wrk.out" | cut -d' ' -f1
}

echo "warming ${#gws[@]} gateways up, ${WARM} s of load each ..."
for _ in $(seq 1 $(( (WARM + 14) / 15 ))); do
  for k in "${!gws[@]}"; do load "${ports[$k]}" 15 >/dev/null; done
done

out="$RUN/interleaved.tsv"
: > "$out"
echo "measuring: $ROUNDS rounds x ${#gws[@]} gateways x ${SLICE} s"
j0=(); for k in "${!gws[@]}"; do j0[$k]=$(jit_ticks "${gws[$k]}"); done
for r in $(seq 1 "$ROUNDS"); do
  n=${#gws[@]}
  for s in $(seq 0 $((n - 1))); do
    # Rotate the order each round, so no gateway always follows the same one.
    k=$(( (s + r) % n ))
    c0=$(cpu_ticks "${gws[$k]}")
    reqs=$(load "${ports[$k]}" "$SLICE")
    c1=$(cpu_ticks "${gws[$k]}")
    printf '%s\t%s\t%s\t%s\n' "$r" "$k" "$((c1 - c0))" "$reqs" >> "$out"
  done
done
jit=(); for k in "${!gws[@]}"; do jit[$k]=$(( $(jit_ticks "${gws[$k]}") - j0[$k] )); done

python3 - "$out" "$TICKS" "${#gws[@]}" "${jit[*]}" "${labels[@]}" <<'PY'
import sys, statistics, collections
out, ticks, n, jit = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), list(map(int, sys.argv[4].split()))
labels = sys.argv[5:]
per = collections.defaultdict(dict)
for line in open(out):
    r, k, t, q = map(int, line.split("\t"))
    per[r][k] = (t, q)
us = lambda t, q: t * 1e6 / ticks / max(q, 1)
print(f"\n| Gateway | CPU µs/req over all its slices | per round, median (min–max) | × {labels[0]}, per round: median (min–max) | JIT % of its measured CPU |")
print("|---|---|---|---|---|")
for k in range(n):
    t = sum(per[r][k][0] for r in per); q = sum(per[r][k][1] for r in per)
    rounds = [us(*per[r][k]) for r in per]
    ratios = [us(*per[r][k]) / us(*per[r][0]) for r in per]
    print(f"| {labels[k]} | {us(t, q):.1f} | {statistics.median(rounds):.1f} ({min(rounds):.1f}–{max(rounds):.1f}) | "
          f"{statistics.median(ratios):.3f} ({min(ratios):.3f}–{max(ratios):.3f}) | {100 * jit[k] / max(t, 1):.1f} |")
pairs = [(labels.index(l[:-len(" [before]")]), k) for k, l in enumerate(labels)
         if l.endswith(" [before]") and l[:-len(" [before]")] in labels]
if pairs:
    print("\n| Change | this build ÷ [before], per round: median (min–max) | this build − [before] µs/req, per round |"
          " rounds where this build is lower |")
    print("|---|---|---|---|")
    for new, old in pairs:
        ratios = [us(*per[r][new]) / us(*per[r][old]) for r in per]
        diffs = [us(*per[r][new]) - us(*per[r][old]) for r in per]
        print(f"| {labels[new]} | {statistics.median(ratios):.3f} ({min(ratios):.3f}–{max(ratios):.3f}) | "
              f"{statistics.median(diffs):+.1f} ({min(diffs):+.1f}–{max(diffs):+.1f}) | "
              f"{sum(d < 0 for d in diffs)} of {len(diffs)} |")
PY
echo "slices: $out"
