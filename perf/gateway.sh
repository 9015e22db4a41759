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
