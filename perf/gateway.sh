# Sourced by perf/compare.sh and perf/interleaved.sh: starts one gateway of a run folder the way both measure it.
# Needs RUN (the run folder), JAVA, JVM_FLAGS and UPSTREAM_PORT; TOLLGATE_ARGS (optional) are extra Tollgate settings.

# start_gateway MODE JAR PORT LOG [JVM flag ...]: MODE is a Tollgate configuration of the run folder (plain, bearer,
# mtls-jwt, ...), or peer-scg, peer-scg-security, peer-scg-security-rs256 for the peers' jars (JAR is then ignored).
# Pinned to core 0. Leaves the process id in GW_PID.
start_gateway() {
  local mode=$1 jar=$2 port=$3 log=$4; shift 4
  if [[ "$mode" == peer-* ]]; then
    local peer=${mode#peer-} routes=spring.cloud.gateway.server.webflux.routes alg=ES256
    [[ "$peer" == *-rs256 ]] && { peer=${peer%-rs256}; alg=RS256; }
    taskset -c 0 "$JAVA" $JVM_FLAGS "$@" -jar "$RUN/peer-$peer.jar" --server.port="$port" \
        --server.ssl.certificate="$RUN/server.pem" --server.ssl.certificate-private-key="$RUN/server-key.pem" \
        "--$routes[0].id=perf" "--$routes[0].uri=http://127.0.0.1:$UPSTREAM_PORT" \
        "--$routes[0].predicates[0]=Path=/api/perf/**" \
        --spring.security.oauth2.resourceserver.jwt.jwk-set-uri="http://127.0.0.1:$UPSTREAM_PORT/jwks.json" \
        --spring.security.oauth2.resourceserver.jwt.jws-algorithms=$alg \
        --logging.level.root=warn >"$log" 2>&1 &
  else
    # A fresh replay-store and cache namespace in Redis per gateway: pre-generated proofs are used once per gateway.
    TOLLGATE_CONFIG_DIR="$RUN/config-$mode" taskset -c 0 "$JAVA" $JVM_FLAGS "$@" \
        -Dtollgate.redis.key-prefix="tollgate-perf-$RANDOM$RANDOM:" -jar "$jar" --server.port="$port" \
        ${TOLLGATE_ARGS:-} >"$log" 2>&1 &
  fi
  GW_PID=$!
}

# The token a row's requests carry in their Authorization header (DPoP and fresh-token rows set theirs in Lua).
row_token() {
  [[ "$1" == *-rs256 ]] && { cat "$RUN/token-rs256.jwt"; return; }
  cat "$RUN/token.jwt"
}

# busy_load_core: with BUSY_LOAD_CORE=1, keeps core 1 (wrk, nginx, HAProxy, Redis) from ever going idle with a
# SCHED_IDLE spinner, which yields to every real task there. On loopback, each answer the gateway sends wakes a
# receiver on core 1; when that core sleeps, the wake-up (an inter-processor interrupt, the idle exit) is charged to
# the gateway's system time, and a gateway whose answers come slower finds the core asleep more often. A gateway's
# clients are on other machines: this is the loopback's cost, not the gateway's. Leaves the spinner's id in BUSY_PID.
busy_load_core() {
  BUSY_PID=
  [[ "${BUSY_LOAD_CORE:-0}" == 1 ]] || return 0
  chrt -i 0 taskset -c 1 bash -c 'while :; do :; done' &
  BUSY_PID=$!
}
