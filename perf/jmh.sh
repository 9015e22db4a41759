#!/usr/bin/env bash
# Runs JMH benchmarks from perf/ on the JDK in JAVA_HOME (or the default java).
#   perf/jmh.sh                                                   # every benchmark, JMH defaults
#   perf/jmh.sh PolicyEvaluation -p tenants=1000 -p rules=100000  # any JMH arguments
#   JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64 perf/jmh.sh Jwt
set -euo pipefail
cd "$(dirname "$0")/.."
cpfile=$(mktemp)
trap 'rm -f "$cpfile"' EXIT
# One reactor session: the project's modules resolve to the jars just built (nothing is installed into ~/.m2).
# Built with the default JDK (javac 23+ no longer runs annotation processors unasked, and JMH needs one);
# JAVA_HOME only chooses the JDK that runs the benchmarks.
rm -rf perf/target/classes   # so JMH's annotation processor always regenerates META-INF/BenchmarkList
env -u JAVA_HOME mvn -q -B -DskipTests -pl perf -am package dependency:build-classpath -Dmdep.outputFile="$cpfile" \
    -Dmdep.includeScope=runtime >/dev/null
java=${JAVA_HOME:+$JAVA_HOME/bin/}java
exec "$java" -cp "perf/target/classes:$(cat "$cpfile")" org.openjdk.jmh.Main "$@"
