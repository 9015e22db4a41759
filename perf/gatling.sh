#!/usr/bin/env bash
# Runs the Gatling simulation (perf/src/test/java/.../TollgateSimulation.java) against a running gateway.
#   perf/gatling.sh -Dscenario=mtls-jwt -Dtarget=https://localhost:18443 -Drate=200 -Dusers=16 -Dduration=30 \
#                   -Dmaterial=/tmp/tollgate-perf.XXXX
# The HTML report goes under perf/target/gatling/; the console ends with the run's statistics.
set -euo pipefail
cd "$(dirname "$0")/.."
cpfile=$(mktemp)
trap 'rm -f "$cpfile"' EXIT
mvn -q -B -DskipTests -pl perf -am package dependency:build-classpath -Dmdep.outputFile="$cpfile" \
    -Dmdep.includeScope=test >/dev/null
mkdir -p perf/target/gatling
log=$(mktemp)
status=0
java --add-opens=java.base/java.lang=ALL-UNNAMED -Xmx1g "$@" \
    -cp "perf/target/test-classes:perf/target/classes:$(cat "$cpfile")" io.gatling.app.Gatling \
    --simulation dev.tollgate.perf.gatling.TollgateSimulation --results-folder perf/target/gatling | tee "$log" \
    || status=$?
# The one-line summary.
scenario=$(printf '%s\n' "$@" | sed -n 's/^-Dscenario=//p'); scenario=${scenario:-mtls-jwt}
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
