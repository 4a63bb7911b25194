#!/usr/bin/env bash
# Makes the class-data archive Corral starts from (target/quarkus-app/corral.jsa, and the JVM options that use
# it in target/quarkus-app/cds.options): the JVM then maps the classes a start loads, parsed and verified
# already, instead of loading them from the jars. Made by a training run: the packaged application started
# with -XX:ArchiveClassesAtExit, against a data directory of its own and an instance name of its own, given a
# few requests, and stopped cleanly. Remade when the jar is newer than the archive or the JVM changed. An
# archive that does not match the JVM or the jars is ignored by the JVM (-Xshare:auto): the start is then as
# without it.
#
# On a JDK 25 or newer (CORRAL_JAVA=/path/to/java, as deploy/run.sh takes it) the archive is the JDK's AOT
# cache instead (JEP 483 and 514: classes loaded and linked ahead, -XX:AOTCacheOutput, then -XX:AOTCache): with
# JDK 25 here, a start ~0.2 s shorter than JDK 17 with its archive (bench/results/startup.md).
#
#   deploy/cds.sh          # deploy/run.sh calls it
set -euo pipefail
cd "$(dirname "$0")/.."
APP=target/quarkus-app
JAR=$APP/quarkus-run.jar
JAVA=${CORRAL_JAVA:-java}
[ -f "$JAR" ] || { echo "no $JAR: package first" >&2; exit 1; }
FEATURE=$("$JAVA" -XshowSettings:properties -version 2>&1 | awk -F' = ' '/java.specification.version/ {print $2}')
if [ "${FEATURE%%.*}" -ge 25 ] 2>/dev/null; then
  ARCHIVE=$APP/corral.aot RECORD="-XX:AOTCacheOutput=$APP/corral.aot" USE="-XX:AOTCache=$APP/corral.aot"
else
  ARCHIVE=$APP/corral.jsa RECORD="-XX:ArchiveClassesAtExit=$APP/corral.jsa" USE="-XX:SharedArchiveFile=$APP/corral.jsa -Xshare:auto"
fi
JVM_ID="$(command -v "$JAVA") $("$JAVA" -version 2>&1 | head -1)"
if [ "$ARCHIVE" -nt "$JAR" ] && [ -f "$APP/cds.options" ] && [ "$(cat "$APP/cds.jvm" 2>/dev/null)" = "$JVM_ID" ]; then
  exit 0
fi
WORK=$(mktemp -d)
PORT=${CDS_PORT:-18099}
trap 'kill $(cat "$WORK/pid" 2>/dev/null) 2>/dev/null || true; rm -rf "$WORK"' EXIT
JAVA_OPTS=${JAVA_OPTS:-$(grep -v '^#' deploy/jvm.options | tr '\n' ' ')}
rm -f "$APP/corral.jsa" "$APP/corral.aot" "$APP/cds.options" "$APP/cds.jvm"
# shellcheck disable=SC2086 # JAVA_OPTS and RECORD are lists of options
"$JAVA" $JAVA_OPTS $RECORD -Dquarkus.http.host=127.0.0.1 -Dquarkus.http.port="$PORT" \
  -Dcorral.data-dir="$WORK/data" -Dcorral.instance=cds-training -jar "$JAR" >"$WORK/log" 2>&1 &
echo $! > "$WORK/pid"
for _ in $(seq 1 600); do
  curl -sf "localhost:$PORT/q/health/live" >/dev/null && break
  kill -0 "$(cat "$WORK/pid")" 2>/dev/null || { cat "$WORK/log" >&2; exit 1; }
  sleep 0.1
done
# What a start and its first requests load: the API, YAML and JSON, the store's writes and reads, metrics.
curl -s -o /dev/null -XPUT -H 'Content-Type: application/yaml' --data-binary @- "localhost:$PORT/specs" <<'EOF'
apiVersion: corral.dev/v1
kind: Tool
metadata: {name: cds-training}
spec: {image: corral/busybox:latest, command: [echo, hi]}
EOF
curl -s -o /dev/null "localhost:$PORT/specs?kind=tool"
curl -s -o /dev/null "localhost:$PORT/q/health/ready"
curl -s -o /dev/null "localhost:$PORT/q/metrics"
curl -s -o /dev/null -XDELETE "localhost:$PORT/specs/tool/cds-training"
kill "$(cat "$WORK/pid")"
while kill -0 "$(cat "$WORK/pid")" 2>/dev/null; do sleep 0.1; done
if [ -s "$ARCHIVE" ]; then
  echo "$USE" > "$APP/cds.options"
  echo "$JVM_ID" > "$APP/cds.jvm"
  echo "[cds] $(du -h "$ARCHIVE" | cut -f1) class-data archive: $ARCHIVE" >&2
else
  echo "[cds] no archive was written (this JVM cannot dump one): Corral starts without" >&2
  : > "$APP/cds.options"
fi
