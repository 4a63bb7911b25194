#!/usr/bin/env bash
# Store benchmark (issue: "Specs in"). Measures, against the packaged application:
#   1. applying 1 000 specs in one PUT /specs request (created, then configured)   target < 1 s
#   2. loading 10 000 stored specs at start-up                                       target < 2 s
#   3. memory and disk after a long history: heap (after a full GC) and the store's files
#      (snapshot and log; the audit log beside them is reported apart, it rotates at its own
#      cap) at 10 000 objects, then again after 20 more versions of every object
#   4. start-up after a crash (kill -9: the log is replayed) and after a clean stop (which
#      folds the log into the snapshot)
#
#   bench/store-bench.sh            # results on stdout and in bench/results/store.md
#
# Needs: java, curl, jcmd (from the JDK). Uses port 18080 and a temporary data directory.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT=${PORT:-18080}
JAR=target/quarkus-app/quarkus-run.jar
[ -f "$JAR" ] || ./mvnw -B -q package -DskipTests
JCMD=$(dirname "$(readlink -f "$(command -v java)")")/jcmd
WORK=$(mktemp -d)
# The JVM options Corral runs with (deploy/jvm.options), unless JAVA_OPTS says otherwise.
JAVA_OPTS=${JAVA_OPTS:-$(grep -v '^#' deploy/jvm.options | tr '\n' ' ')}
trap 'kill $(cat "$WORK/pid" 2>/dev/null) 2>/dev/null || true; rm -rf "$WORK"' EXIT

start() {
  local t0=$(date +%s%N)
  # The loop off: this measures the store and the API, not the engine converging 10 000 relics meanwhile.
  # shellcheck disable=SC2086 # JAVA_OPTS is a list of options
  java $JAVA_OPTS -Dquarkus.http.port=$PORT -Dcorral.data-dir="$WORK/data" -Dcorral.reconcile.enabled=false \
    -jar "$JAR" >>"$WORK/app.log" 2>&1 &
  echo $! > "$WORK/pid"
  until curl -sf "localhost:$PORT/q/health/ready" >/dev/null; do sleep 0.05; done
  echo $(( ($(date +%s%N) - t0) / 1000000 ))
}
store_kib() { du -skc "$WORK/data/snapshot.jsonl" "$WORK/data/wal.log" 2>/dev/null | tail -1 | cut -f1; }
stop() { kill ${1:-} "$(cat "$WORK/pid")"; while kill -0 "$(cat "$WORK/pid")" 2>/dev/null; do sleep 0.05; done; }

# 1 000 Relic documents (10 sessions of 100), version $2, batch $1.
batch() {
  awk -v b="$1" -v v="$2" 'BEGIN { for (i = 0; i < 1000; i++) {
    printf "---\napiVersion: corral.dev/v1\nkind: Relic\nmetadata:\n  name: relic-%d\n  session: s%d-%d\n  labels: {app: bench, batch: \"%d\"}\n", i, b, i % 10, b
    printf "spec:\n  image: corral/busybox:latest\n  command: [httpd, -f, -p, \"8080\"]\n  env: {VERSION: \"%d\", MODE: bench}\n  port: 8080\n", v
    printf "  health: {http: {path: /, port: 8080}, periodSeconds: 5}\n  volumes: [{name: data, mountPath: /data}]\n" } }'
}
put() { curl -s -o /dev/null -w '%{http_code} %{time_total}\n' -XPUT -H 'Content-Type: application/yaml' --data-binary @"$1" "localhost:$PORT/specs"; }
heap() {
  "$JCMD" "$(cat "$WORK/pid")" GC.run >/dev/null
  curl -s "localhost:$PORT/q/metrics" | awk 'index($0, "jvm_memory_used_bytes{area=\"heap\"") == 1 { s += $NF } END { printf "%.1f", s / 1048576 }'
}
median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

start >/dev/null
created=(); configured=()
for b in $(seq 0 9); do
  batch "$b" 1 > "$WORK/b$b.yaml"
  read -r code t < <(put "$WORK/b$b.yaml"); [ "$code" = 200 ] || { echo "apply failed: $code"; exit 1; }
  created+=("$t")
done
for b in $(seq 0 9); do
  batch "$b" 2 > "$WORK/u$b.yaml"
  read -r code t < <(put "$WORK/u$b.yaml"); [ "$code" = 200 ] || { echo "apply failed: $code"; exit 1; }
  configured+=("$t")
done
heap_10k=$(heap)
disk_10k=$(store_kib)
# History: 20 more versions of each of the 10 000 objects.
for v in $(seq 3 22); do
  for b in $(seq 0 9); do batch "$b" "$v" > "$WORK/h.yaml"; put "$WORK/h.yaml" >/dev/null; done
done
heap_hist=$(heap)
disk_hist=$(store_kib)
audit_hist=$(du -skc "$WORK"/data/audit.log* | tail -1 | cut -f1)
log_at_crash=$(du -sk "$WORK/data/wal.log" | cut -f1)
stop -9

# After the crash: the log is replayed on top of the snapshot.
crash_ready=$(start)
crash_load=$(grep -o 'store loaded: 10000 objects.* in [0-9]* ms' "$WORK/app.log" | tail -1 | grep -o '[0-9]* ms' | cut -d' ' -f1)
stop
loads=(); readies=()
for i in 1 2 3; do
  readies+=("$(start)")
  loads+=("$(grep -o 'store loaded: 10000 objects.* in [0-9]* ms' "$WORK/app.log" | tail -1 | grep -o '[0-9]* ms' | cut -d' ' -f1)")
  stop
done

created_med=$(printf '%s\n' "${created[@]}" | median)
configured_med=$(printf '%s\n' "${configured[@]}" | median)
load_med=$(printf '%s\n' "${loads[@]}" | median)
ready_med=$(printf '%s\n' "${readies[@]}" | median)
mkdir -p bench/results
{
  echo "Store benchmark, $(date -u +%Y-%m-%d), $(nproc) cores, $(java -version 2>&1 | head -1)"
  echo
  echo "| measure | result | target |"
  echo "|---|---|---|"
  echo "| PUT /specs of 1 000 new specs (median of 10) | $(awk -v t="$created_med" 'BEGIN{printf "%.0f ms", t*1000}') | < 1 s |"
  echo "| PUT /specs of 1 000 changed specs (median of 10) | $(awk -v t="$configured_med" 'BEGIN{printf "%.0f ms", t*1000}') | < 1 s |"
  echo "| load 10 000 specs at start-up after a clean stop (store, median of 3) | ${load_med} ms | < 2 s |"
  echo "| process start to ready with 10 000 specs, after a clean stop (median of 3) | ${ready_med} ms | |"
  echo "| load / ready after kill -9, replaying a $((log_at_crash / 1024)) MiB log | ${crash_load} / ${crash_ready} ms | |"
  echo "| heap after GC, 10 000 specs at generation 2 | ${heap_10k} MiB | |"
  echo "| heap after GC, same specs after 20 more generations each (200 000 more writes) | ${heap_hist} MiB | ≈ the line above |"
  echo "| store files (snapshot + log), generation 2 → after the history | $((disk_10k / 1024)) MiB → $((disk_hist / 1024)) MiB | bounded by the data |"
  echo "| audit log after the history (rotates at corral.audit.max-bytes × max-files) | $((audit_hist / 1024)) MiB | |"
} | tee bench/results/store.md
