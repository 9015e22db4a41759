#!/usr/bin/env bash
# Cold start and memory (issue 15): from `java -jar` to the first allowed request, and the process's RSS and CPU then.
#
#   perf/coldstart.sh                                               # 3 repetitions on the default JDK
#   JAVA=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java perf/coldstart.sh
#   BASE_JAR=/tmp/base/gateway/target/tollgate-gateway-exec.jar perf/coldstart.sh   # + "[before]" rows, same run
#   LOAD=0 perf/coldstart.sh                                        # without the RSS after LOAD (2000) more requests
#
# Rows, each a fresh JVM per repetition, unpinned (both cores, default ergonomics), nothing else loading the machine:
#   tollgate demo            `java -jar tollgate-gateway-exec.jar demo` (README): first 200 of the demo's request 1
#                            (mTLS + bearer token, policy allow, proxied to the demo upstream)
#   tollgate extracted       the same from the extracted jar (plain jars on the class path, no nested-jar loader)
#   tollgate extracted + archive   the same with the class-data archive made by `archive` (docs/PRODUCTION.md,
#                            Start-up; JDK 17-24: static CDS, JDK 25+: the AOT cache), required: -Xshare:on /
#                            -XX:AOTMode=on, so a run never times an archive the JVM silently declined
#   tollgate bearer route    the Tollgate jar with the peer's work and nothing else: perf/compare.sh's bearer
#                            configuration (one route, an ES256 bearer token, the same upstream as the peers; no demo
#                            PKI, tokens or in-process upstream): first 200 with that token
#   peer: scg + security     SCG + Spring Security's resource server (perf/peer/scg-security): first 200 with a
#                            bearer token (ES256, JWK Set fetched on that first request)
#   pure scg                 plain Spring Cloud Gateway (perf/peer/scg): first 200 proxied
# With BASE_JAR, every Tollgate row also runs on that build ("[before]"), in the same repetition.
# RSS after load: the process's RSS once LOAD (2000) more of the same request have been answered, one after another on
# one kept connection: start-up's memory and the first traffic's, which the RSS at the first 200 does not show yet.
# CPU ms = the process's utime + stime at the first 200 (all threads: main, JIT compilers, GC), steadier than wall time
# on a shared machine.
# NMT=1: every JVM also runs with -XX:NativeMemoryTracking=summary, and the report adds where each row's committed
# memory is at the first 200 (Java heap, class metadata, code, threads, GC, ...), from `jcmd VM.native_memory`.
# Tracking costs a little memory and time of its own: time and RSS of an NMT=1 run are not the headline figures.
# Everything binds to 127.0.0.1 (the demo: 8443, 9443, 9444, 9081; the peers 18443; their upstream 18080).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
REPS=${REPS:-3}
LOAD=${LOAD:-2000}
JAVA=${JAVA:-java}
RUN=$(mktemp -d /tmp/tollgate-coldstart.XXXXXX)
JFLAGS=()
[[ -n "${NMT:-}" ]] && JFLAGS=(-XX:NativeMemoryTracking=summary)
pids=()
cleanup() { for p in "${pids[@]:-}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

echo "building (skip tests) ..."
mvn -q -B -DskipTests -pl perf -am package dependency:build-classpath -Dmdep.outputFile="$RUN/cp.txt" \
    -Dmdep.includeScope=runtime >/dev/null
for p in scg scg-security; do mvn -q -B -DskipTests -f "perf/peer/$p/pom.xml" package >/dev/null; done
cp gateway/target/tollgate-gateway-exec.jar "$RUN/tollgate.jar"
"$JAVA" -Djarmode=tools -jar "$RUN/tollgate.jar" extract --destination "$RUN/extracted" >/dev/null
BUILDS=("")
if [[ -n "${BASE_JAR:-}" ]]; then
  cp "$BASE_JAR" "$RUN/tollgate-before.jar"
  "$JAVA" -Djarmode=tools -jar "$RUN/tollgate-before.jar" extract --destination "$RUN/extracted-before" >/dev/null
  BUILDS+=("-before")
fi
java -cp "perf/target/classes:$(cat "$RUN/cp.txt")" dev.tollgate.perf.setup.PerfSetup "$RUN" 18080 18443 >/dev/null
feature=$("$JAVA" -version 2>&1 | head -1 | sed -E 's/.*version "([0-9]+).*/\1/')

# The peers' upstream and JWK Set: a static file server.
mkdir -p "$RUN/www/api/perf/items"
echo ok > "$RUN/www/api/perf/items/1"
cp "$RUN/jwks-peer.json" "$RUN/www/jwks.json"
python3 -m http.server 18080 --bind 127.0.0.1 --directory "$RUN/www" >/dev/null 2>&1 &
pids+=($!)

ms() { echo $(( $(date +%s%N) / 1000000 )); }
# first_200 <pid> <curl args...>: milliseconds from now until the request answers 200 (the process must stay up).
wait_200() {
  local pid=$1; shift
  for _ in $(seq 1 3000); do
    kill -0 "$pid" 2>/dev/null || { echo "process exited" >&2; return 1; }
    [[ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$@" || true)" == 200 ]] && return 0
    sleep 0.02
  done
  return 1
}
rss_mib() { awk '/^VmRSS/ {printf "%.0f", $2 / 1024}' "/proc/$1/status"; }
cpu_ms() { awk -v hz="$(getconf CLK_TCK)" '{printf "%.0f", ($14 + $15) * 1000 / hz}' "/proc/$1/stat"; }
stop() { kill "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; }

DEMO_CURL=(--cacert .demo/pki/server-ca.pem --cert .demo/pki/acme-checkout.pem --key .demo/pki/acme-checkout-key.pem
           https://localhost:8443/api/acme/orders/42)
demo_token() { echo "Authorization: Bearer $(cat .demo/tokens/acme-checkout.jwt)"; }

# One untimed demo run: makes .demo/ (certificates, keys) and fresh tokens when missing or older than 50 minutes.
if [[ ! -f .demo/tokens/acme-checkout.jwt || -n "$(find .demo/tokens/acme-checkout.jwt -mmin +50)" ]]; then
  "$JAVA" -jar "$RUN/tollgate.jar" demo >"$RUN/demo-first.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 600); do [[ -f .demo/tokens/acme-checkout.jwt && -n "$(find .demo/tokens/acme-checkout.jwt -newer "$RUN/cp.txt")" ]] && break; sleep 0.1; done
  stop "$pid"
fi

# The class-data archive of each build, as an operator makes it (`archive`, in the repository root: the demo's config/).
if (( feature >= 25 )); then
  EXT=aot; KIND="AOT cache (JDK $feature)"; use() { echo "-XX:AOTMode=on -XX:AOTCache=$1"; }
else
  EXT=jsa; KIND="CDS archive (JDK $feature)"; use() { echo "-Xshare:on -XX:SharedArchiveFile=$1"; }
fi
declare -A ARCHIVED=()
for b in "${BUILDS[@]}"; do
  jar="$RUN/extracted$b/tollgate$b.jar"
  if ! unzip -l "$jar" 'dev/tollgate/gateway/startup/ClassDataArchive.class' >/dev/null 2>&1; then
    echo "build${b:- (this one)} has no archive command: no archive row for it"
  elif "$JAVA" -jar "$jar" archive "$RUN/app$b.$EXT" >"$RUN/archive$b.log" 2>&1; then
    ARCHIVED["x$b"]=1
  else
    tail -20 "$RUN/archive$b.log"; exit 1
  fi
done

RAW="$RUN/raw.tsv"
run() {  # name rep command...
  local name=$1 rep=$2; shift 2
  local t0; t0=$(ms)
  "$@" >"$RUN/run.log" 2>&1 &
  local pid=$!
  local req
  if [[ "$name" == "tollgate bearer route"* || "$name" == *security* ]]; then
    req=(--cacert "$RUN/server-ca.pem" -H "Authorization: Bearer $(cat "$RUN/token.jwt")"
         https://localhost:18443/api/perf/items/1)
  elif [[ "$name" == tollgate* ]]; then
    req=(-H "$(demo_token)" "${DEMO_CURL[@]}")
  else
    req=(--cacert "$RUN/server-ca.pem" https://localhost:18443/api/perf/items/1)
  fi
  wait_200 "$pid" "${req[@]}" || { tail -20 "$RUN/run.log"; exit 1; }
  local t1; t1=$(ms)
  local rss; rss=$(rss_mib "$pid")
  local cpu; cpu=$(cpu_ms "$pid")
  if [[ -n "${NMT:-}" ]]; then
    mkdir -p "$RUN/nmt"
    jcmd "$pid" VM.native_memory summary > "$RUN/nmt/$name#$rep.txt" 2>&1 || true
  fi
  # Then LOAD more requests, one after another on one kept connection: the memory the first requests' work takes,
  # which RSS at the first 200 does not show yet (G1 sizes the heap by the allocation rate it then sees).
  local urls=() ok rss_after=0
  if (( LOAD > 0 )); then
    for _ in $(seq 1 "$LOAD"); do urls+=(-o /dev/null "${req[@]: -1}"); done
    ok=$(curl -s -w '%{http_code}\n' "${req[@]:0:${#req[@]}-1}" "${urls[@]}" | grep -cx 200 || true)
    (( ok == LOAD )) || echo "  $name rep $rep: $ok of $LOAD load requests answered 200" >&2
    rss_after=$(rss_mib "$pid")
  fi
  stop "$pid"
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$rep" $((t1 - t0)) "$rss" "$cpu" "$rss_after" >> "$RAW"
  printf '  %-44s rep %s: first allowed request after %6d ms, RSS %s MiB, CPU %s ms; RSS %s MiB after %s more\n' \
      "$name" "$rep" $((t1 - t0)) "$rss" "$cpu" "$rss_after" "$LOAD"
}
peer() {  # scg | scg-security
  local args=("$JAVA" "${JFLAGS[@]}" -jar "perf/peer/$1/target/peer-$1.jar" --server.port=18443 --server.address=127.0.0.1
    --server.ssl.certificate="$RUN/server.pem" --server.ssl.certificate-private-key="$RUN/server-key.pem"
    "--spring.cloud.gateway.server.webflux.routes[0].id=perf"
    "--spring.cloud.gateway.server.webflux.routes[0].uri=http://127.0.0.1:18080"
    "--spring.cloud.gateway.server.webflux.routes[0].predicates[0]=Path=/api/perf/**")
  [[ "$1" == scg-security ]] && args+=(
    --spring.security.oauth2.resourceserver.jwt.jwk-set-uri=http://127.0.0.1:18080/jwks.json
    --spring.security.oauth2.resourceserver.jwt.jws-algorithms=ES256)
  exec "${args[@]}"
}

for rep in $(seq 1 "$REPS"); do
  for b in "${BUILDS[@]}"; do
    tag=${b:+ [before]}
    run "tollgate demo$tag" "$rep" "$JAVA" "${JFLAGS[@]}" -jar "$RUN/tollgate$b.jar" demo
    run "tollgate extracted$tag" "$rep" "$JAVA" "${JFLAGS[@]}" -jar "$RUN/extracted$b/tollgate$b.jar" demo
    if [[ -n "${ARCHIVED[x$b]:-}" ]]; then
      # shellcheck disable=SC2046
      run "tollgate extracted + $KIND$tag" "$rep" "$JAVA" "${JFLAGS[@]}" $(use "$RUN/app$b.$EXT") -jar \
          "$RUN/extracted$b/tollgate$b.jar" demo
    fi
    run "tollgate bearer route$tag" "$rep" env TOLLGATE_CONFIG_DIR="$RUN/config-bearer" "$JAVA" "${JFLAGS[@]}" \
        -jar "$RUN/tollgate$b.jar"
  done
  run "peer: scg + spring-security" "$rep" peer scg-security
  run "pure scg" "$rep" peer scg
done

OUT="perf/results/coldstart-$(date -u +%Y-%m-%d-%H%M)-jdk$feature.md"
LOAD=$LOAD python3 perf/coldstart-report.py "$RAW" "$OUT" "$("$JAVA" -version 2>&1 | head -1)" "$REPS" \
    ${NMT:+"$RUN/nmt"}
echo "wrote $OUT"
