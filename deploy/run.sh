#!/usr/bin/env bash
# Runs Corral with the example specs of ./specs watched: sets the machine up (Docker engine,
# images), packages the application if needed, and starts it on port 8080.
#
#   deploy/run.sh [extra -D settings ...]
set -euo pipefail
cd "$(dirname "$0")/.."
CORRAL_SKIP_PROMETHEUS=1 CORRAL_SKIP_PODMAN=1 deploy/setup.sh   # Prometheus and Podman are for the tests
if [ ! -f target/quarkus-app/quarkus-run.jar ] || [ -n "$(find src pom.xml -newer target/quarkus-app/quarkus-run.jar -print -quit)" ]; then
  ./mvnw -B -q package -DskipTests
fi
# deploy/jvm.options: a capped heap with the serial collector (why: see that file). Override with JAVA_OPTS.
JAVA_OPTS=${JAVA_OPTS:-$(grep -v '^#' deploy/jvm.options | tr '\n' ' ')}
# The JVM: CORRAL_JAVA, else java on the PATH (the JDK 17 the tests run on). A JDK 25 or newer starts
# sooner, from its AOT cache (CORRAL_JAVA=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java: bench/results/startup.md).
JAVA=${CORRAL_JAVA:-java}
# The class-data archive of a training run (deploy/cds.sh, made once per build and JVM): a start ~0.3 s
# shorter (bench/results/startup.md). CORRAL_CDS=0 starts without it.
if [ "${CORRAL_CDS:-1}" != 0 ]; then
  CORRAL_JAVA=$JAVA deploy/cds.sh || true
  JAVA_OPTS="$JAVA_OPTS $(cat target/quarkus-app/cds.options 2>/dev/null || true)"
fi
# Two malloc arenas, not glibc's eight per core: each thread's arena keeps its own freed memory.
export MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-2}
# shellcheck disable=SC2086 # JAVA_OPTS is a list of options
exec "$JAVA" $JAVA_OPTS -Dcorral.specs-dir=specs "$@" -jar target/quarkus-app/quarkus-run.jar
