#!/usr/bin/env bash
# Runs a Gatling scenario (perf/src/test/java/.../TollgateSimulation.java). With no arguments it is self-sufficient:
#   perf/gatling.sh                                  # scenario mtls-jwt, 100 req/s, 16 users, 30 s
#   perf/gatling.sh -Dscenario=bearer-jwt -Drate=200 -Dduration=60
# creates the run's material when it is absent (certificates, one SVID + token per virtual user, a gateway config per
# mode: dev.tollgate.perf.setup.PerfSetup, into perf/target/gatling-material), starts a stub upstream on :18080 and the
# gateway on :18443 with the scenario's config, runs the load, and stops them. Against a gateway you run yourself:
#   perf/gatling.sh -Dscenario=mtls-jwt -Dtarget=https://localhost:18443 -Dmaterial=/tmp/tollgate-perf.XXXX
# The HTML report goes under perf/target/gatling/; the console ends with the run's one-line summary.
set -euo pipefail
cd "$(dirname "$0")/.."
UPSTREAM_PORT=18080
GATEWAY_PORT=18443
prop() { printf '%s\n' "$@" | sed -n "s/^-D$1=//p" | tail -1; }
scenario=$(prop scenario "$@"); scenario=${scenario:-mtls-jwt}
material=$(prop material "$@")
target=$(prop target "$@")

cpfile=$(mktemp)
pids=()
cleanup() { rm -f "$cpfile"; for p in "${pids[@]:-}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT
echo "building (skip tests) ..."
mvn -q -B -DskipTests -pl perf -am package dependency:build-classpath -Dmdep.outputFile="$cpfile" \
    -Dmdep.includeScope=test >/dev/null
cp="perf/target/test-classes:perf/target/classes:$(cat "$cpfile")"

args=("$@")
if [[ -z "$material" ]]; then
  material="$PWD/perf/target/gatling-material"
  args+=("-Dmaterial=$material")
fi
if [[ ! -f "$material/token.jwt" ]]; then
  echo "creating the run's material in $material"
  mkdir -p "$material"
  java -cp "$cp" dev.tollgate.perf.setup.PerfSetup "$material" $UPSTREAM_PORT $GATEWAY_PORT >/dev/null
fi

if [[ -z "$target" ]]; then
  case "$scenario" in
    bearer-jwt) mode=bearer ;;
    mtls-jwt-dpop) mode=dpop ;;
    *) mode=mtls-jwt ;;
  esac
  # A stub upstream answering 200 to everything (what nginx does in perf/compare.sh), then the gateway.
  python3 - "$UPSTREAM_PORT" <<'PY' &
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
class Ok(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def do_GET(self):
        self.send_response(200); self.send_header("Content-Length", "3"); self.end_headers(); self.wfile.write(b"ok\n")
    do_POST = do_GET
    def log_message(self, *a): pass
ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Ok).serve_forever()
PY
  pids+=($!)
  TOLLGATE_CONFIG_DIR="$material/config-$mode" java -jar gateway/target/tollgate-gateway-exec.jar \
      >"$material/gateway-$mode.log" 2>&1 &
  pids+=($!)
  echo "gateway ($mode) starting on :$GATEWAY_PORT (log: $material/gateway-$mode.log)"
  for _ in $(seq 1 150); do
    (exec 3<>"/dev/tcp/127.0.0.1/$GATEWAY_PORT") 2>/dev/null && break
    sleep 0.2
  done
  args+=("-Dtarget=https://localhost:$GATEWAY_PORT")
fi

mkdir -p perf/target/gatling
log=$(mktemp)
status=0
java --add-opens=java.base/java.lang=ALL-UNNAMED -Xmx1g "${args[@]}" \
    -cp "$cp" io.gatling.app.Gatling \
    --simulation dev.tollgate.perf.gatling.TollgateSimulation --results-folder perf/target/gatling | tee "$log" \
    || status=$?
# The one-line summary.
awk -v s="$scenario" '
  /request count/ {split($0, a, "|"); total=a[2]; ko=a[4]}
  /50th percentile/ {split($0, a, "|"); p50=a[2]}
  /95th percentile/ {split($0, a, "|"); p95=a[2]}
  /99th percentile/ {split($0, a, "|"); p99=a[2]}
  /mean throughput/ {split($0, a, "|"); rps=a[2]}
  END {gsub(/ /, "", total); gsub(/ /, "", ko); gsub(/ /, "", p50); gsub(/ /, "", p95); gsub(/ /, "", p99); gsub(/ /, "", rps);
       if (ko == "-") ko = 0;
       printf "SUMMARY %s: %s req/s, p50 %s ms, p95 %s ms, p99 %s ms, errors %s of %s\n", s, rps, p50, p95, p99, ko, total}' "$log"
rm -f "$log"
exit $status
