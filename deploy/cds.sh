#!/usr/bin/env bash
# Makes the class-data archive Corral starts from (target/quarkus-app/corral.jsa, and the JVM options that use
# it in target/quarkus-app/cds.options): the JVM then maps the classes a start loads, parsed and verified
# already, instead of loading them from the jars. Made by a training run: the packaged application started
# with -XX:ArchiveClassesAtExit, against a data directory of its own and an instance name of its own, given a
# few requests, and stopped cleanly. Remade when the jar is newer than the archive. An archive that does not
# match the JVM or the jars is ignored by the JVM (-Xshare:auto): the start is then as without it.
#
#   deploy/cds.sh          # deploy/run.sh calls it
set -euo pipefail
cd "$(dirname "$0")/.."
APP=target/quarkus-app
JAR=$APP/quarkus-run.jar
ARCHIVE=$APP/corral.jsa
[ -f "$JAR" ] || { echo "no $JAR: package first" >&2; exit 1; }
if [ "$ARCHIVE" -nt "$JAR" ] && [ -f "$APP/cds.options" ]; then
  exit 0
fi
WORK=$(mktemp -d)
PORT=${CDS_PORT:-18099}
trap 'kill $(cat "$WORK/pid" 2>/dev/null) 2>/dev/null || true; rm -rf "$WORK"' EXIT
JAVA_OPTS=${JAVA_OPTS:-$(grep -v '^#' deploy/jvm.options | tr '\n' ' ')}
rm -f "$ARCHIVE" "$APP/cds.options"
# shellcheck disable=SC2086 # JAVA_OPTS is a list of options
java $JAVA_OPTS -XX:ArchiveClassesAtExit="$ARCHIVE" -Dquarkus.http.host=127.0.0.1 -Dquarkus.http.port="$PORT" \
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
  echo "-XX:SharedArchiveFile=$ARCHIVE -Xshare:auto" > "$APP/cds.options"
  echo "[cds] $(du -h "$ARCHIVE" | cut -f1) class-data archive: $ARCHIVE" >&2
else
  echo "[cds] no archive was written (this JVM cannot dump one): Corral starts without" >&2
  : > "$APP/cds.options"
fi
