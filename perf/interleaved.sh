#!/usr/bin/env bash
# Gateways measured side by side in time: all of them started at once on the gateway core, the load switched from one
# to the next every few seconds, round after round, and each one's CPU per request summed over its own slices.
#
#   perf/interleaved.sh RUN label=spec [label=spec ...]
#   perf/interleaved.sh /tmp/tollgate-perf.XXXX pure=peer-scg plain=plain bearer=bearer \
#       'plain [before]=plain@/tmp/old.jar' 'bearer [before]=bearer@/tmp/old.jar'
#
# RUN is a run folder perf/compare.sh left (certificates, tokens, gateway configs, nginx.conf). A spec is
# MODE[/SCRIPT][@JAR]: MODE a Tollgate configuration of that folder (plain, bearer, mtls-jwt, dpop, ...) or peer-scg,
# peer-scg-security, peer-scg-security-rs256 for the peers; SCRIPT the load (hot, the default: one token, eight
# resources; cold: a new resource per request; dpop: a fresh proof per request; tokens: a new token per request); JAR
# another build of the gateway than the run's. Proofs and tokens are used once per gateway: each load starts past the
# ones that gateway has seen (regenerate the material with more if a run needs more, see perf/README.md). ROUNDS (20)
# rounds of SLICE (3) seconds per gateway, after WARM (60) seconds of load each, given in rounds of 15 s. Same machine
# layout as compare.sh: gateways pinned to core 0 (one Netty worker each, 512 MiB heap, Serial GC), wrk, nginx and
# HAProxy on core 1. perf/interleaved-report.py prints the tables, with issue 15's goals for the gateways whose specs
# name them (ES256_VERIFY_US=<one native ES256 verification, from JMH> adds the DPoP goal).
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
MAX_RATE=${MAX_RATE:-6000}
JAVA=${JAVA:-java}
JVM_FLAGS="-XX:ActiveProcessorCount=1 -Xms512m -Xmx512m -XX:+UseSerialGC -Dreactor.netty.ioWorkerCount=1"
UPSTREAM_PORT=18080
TICKS=$(getconf CLK_TCK)

pids=()
cleanup() { for p in "${pids[@]:-}" ${BUSY_PID:-}; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT
if ss -ltn | grep -qE ":(18080|20443|20444) "; then
  echo "a port this needs is taken (another comparison running?)"; exit 1
fi

# start_gateway, row_token
source perf/gateway.sh
busy_load_core
# The DPoP and new-token loads read one list each, warm-up and measured material together.
# Made again whenever PerfSetup has made fresh material since.
[[ "$RUN/proofs-all.txt" -nt "$RUN/proofs-measure.txt" ]] \
    || cat "$RUN/proofs-warm.txt" "$RUN/proofs-measure.txt" > "$RUN/proofs-all.txt"
if [[ -f "$RUN/tokens-measure.txt" && ! "$RUN/tokens-all.txt" -nt "$RUN/tokens-measure.txt" ]]; then
  cat "$RUN/tokens-warm.txt" "$RUN/tokens-measure.txt" > "$RUN/tokens-all.txt"
fi

taskset -c 1 nginx -c "$RUN/nginx.conf" -p "$RUN/nginx" &
pids+=($!)
labels=(); ports=(); gws=(); scripts=(); tokens=(); used=(); specs_in=()
cfg="$RUN/interleaved-haproxy.cfg"
printf 'global\n  maxconn 4096\n  nbthread 1\ndefaults\n  mode http\n  timeout connect 5s\n  timeout client 120s\n  timeout server 120s\n  http-reuse always\n' > "$cfg"
i=0
for arg in "$@"; do
  label=${arg%%=*}; spec=${arg#*=}; specs_in+=("$spec")
  port=$((20443 + 2 * i)); shim=$((port + 1))
  jar="$RUN/tollgate.jar"; [[ "$spec" == *@* ]] && jar=${spec#*@}
  spec=${spec%%@*}; mode=${spec%%/*}; script=hot; [[ "$spec" == */* ]] && script=${spec#*/}
  [[ -f "$RUN/$script.lua" ]] || { echo "no load script $script.lua in $RUN"; exit 1; }
  printf 'frontend f%d\n  bind 127.0.0.1:%d\n  default_backend b%d\nbackend b%d\n  server g 127.0.0.1:%d ssl crt %s ca-file %s verify required sni str(localhost) verifyhost localhost\n' \
      "$i" "$shim" "$i" "$i" "$port" "$RUN/client-combined.pem" "$RUN/server-ca.pem" >> "$cfg"
  start_gateway "$mode" "$jar" "$port" "$RUN/interleaved-$i.log"
  gws+=($GW_PID); pids+=($GW_PID); labels+=("$label"); ports+=("$shim"); scripts+=("$script")
  tokens+=("$(row_token "$mode")"); used+=(0)
  i=$((i + 1))
done
taskset -c 1 haproxy -f "$cfg" -db >/dev/null 2>&1 &
pids+=($!)

for k in "${!gws[@]}"; do
  ok=0
  for _ in $(seq 1 300); do
    code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer ${tokens[$k]}" \
        "http://127.0.0.1:${ports[$k]}/api/perf/items/1" || true)
    # A DPoP route answers a Bearer probe with 401: it is up.
    [[ "$code" == 200 || ( "${scripts[$k]}" == dpop && "$code" == 401 ) ]] && { ok=1; break; }
    sleep 0.2
  done
  [[ $ok == 1 ]] || { echo "${labels[$k]} did not become ready"; tail -20 "$RUN/interleaved-$k.log"; exit 1; }
done

# cpu_ticks, jit_ticks
source perf/procfs.sh
load() {  # gateway-index seconds -> requests completed (non-2xx counted apart)
  # At most MAX_RATE requests a second need fresh proofs or tokens (a faster gateway would replay some: 401, stops).
  local k=$1 args=() list="" need=$((MAX_RATE * $2))
  case "${scripts[$k]}" in
    dpop) list="$RUN/proofs-all.txt"; args=(-- "$list" "$(cat "$RUN/dpop-token.jwt")" "${used[$k]}" "$need") ;;
    tokens) list="$RUN/tokens-all.txt"; args=(-- "$list" "${used[$k]}" "$need") ;;
  esac
  if [[ -n "$list" ]] && (( used[k] + need > $(wc -l < "$list") )); then
    echo "${labels[$k]}: not enough unused lines left in $list; make more (perf/README.md)" >&2; exit 1
  fi
  taskset -c 1 wrk -t1 -c"$CONNECTIONS" -d"$2s" -s "$RUN/${scripts[$k]}.lua" -H "Authorization: Bearer ${tokens[$k]}" \
      "http://127.0.0.1:${ports[$k]}" "${args[@]}" > "$RUN/interleaved-wrk.out"
  if grep -q "Non-2xx" "$RUN/interleaved-wrk.out"; then
    echo "non-2xx answers from ${labels[$k]}" >&2; cat "$RUN/interleaved-wrk.out" >&2; exit 1
  fi
  grep -oE '[0-9]+ requests in' "$RUN/interleaved-wrk.out" | cut -d' ' -f1
}

echo "warming ${#gws[@]} gateways up, ${WARM} s of load each ..."
for _ in $(seq 1 $(( (WARM + 14) / 15 ))); do
  for k in "${!gws[@]}"; do n=$(load "$k" 15); used[$k]=$((used[k] + n + CONNECTIONS)); done
done

out="$RUN/interleaved.tsv"
: > "$out"
echo "measuring: $ROUNDS rounds x ${#gws[@]} gateways x ${SLICE} s (load core kept busy: ${BUSY_LOAD_CORE:-0})"
j0=(); for k in "${!gws[@]}"; do j0[$k]=$(jit_ticks "${gws[$k]}"); done
for r in $(seq 1 "$ROUNDS"); do
  n=${#gws[@]}
  for s in $(seq 0 $((n - 1))); do
    # Rotate the order each round, so no gateway always follows the same one.
    k=$(( (s + r) % n ))
    c0=$(cpu_ticks "${gws[$k]}")
    reqs=$(load "$k" "$SLICE")
    c1=$(cpu_ticks "${gws[$k]}")
    # Requests still in flight when wrk stopped were sent too: their proofs and tokens count as used.
    used[$k]=$((used[k] + reqs + CONNECTIONS))
    printf '%s\t%s\t%s\t%s\n' "$r" "$k" "$((c1 - c0))" "$reqs" >> "$out"
  done
done
jit=(); for k in "${!gws[@]}"; do jit[$k]=$(( $(jit_ticks "${gws[$k]}") - j0[$k] )); done

specs=(); for k in "${!gws[@]}"; do specs+=("${labels[$k]}=${specs_in[$k]}"); done
python3 perf/interleaved-report.py "$out" "$TICKS" "${jit[*]}" "${specs[@]}"
echo "slices: $out"
