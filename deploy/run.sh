#!/usr/bin/env bash
# Runs Corral with the example specs of ./specs watched: sets the machine up (Docker engine,
# images), packages the application if needed, and starts it on port 8080.
#
#   deploy/run.sh [extra -D settings ...]
set -euo pipefail
cd "$(dirname "$0")/.."
deploy/setup.sh
if [ ! -f target/quarkus-app/quarkus-run.jar ] || [ -n "$(find src pom.xml -newer target/quarkus-app/quarkus-run.jar -print -quit)" ]; then
  ./mvnw -B -q package -DskipTests
fi
# Memory that suits a server which must stay near its idle footprint whatever clients send: a capped
# heap, and the serial collector, which gives freed heap back to the system (the default collector on
# a big machine grows the heap to a quarter of its RAM and keeps it). Override with JAVA_OPTS.
JAVA_OPTS=${JAVA_OPTS:-"-XX:+UseSerialGC -Xms32m -Xmx512m -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=30 -Xss512k -XX:MaxMetaspaceSize=192m -XX:ReservedCodeCacheSize=64m"}
# shellcheck disable=SC2086 # JAVA_OPTS is a list of options
exec java $JAVA_OPTS -Dcorral.specs-dir=specs "$@" -jar target/quarkus-app/quarkus-run.jar
