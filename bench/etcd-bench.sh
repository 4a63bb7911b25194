#!/usr/bin/env bash
# The two stores side by side (#14): the embedded file store and the etcd store, the same Corral,
# the same requests, in one run. For each store:
#   1. PUT /specs of 1 000 new specs in one request, then of 1 000 changed ones (10 each, medians)
#   2. start to ready with the 10 000 specs stored, after a clean stop (median of 3)
#   3. one status-sized write: PUT of one changed spec (median of 50), the latency a reconcile pays
# etcd: one member of Debian's etcd on loopback, its data on the same disk as the file store's, started
# with the limits Corral needs (docs/replicas.md). The loop is off: this measures the stores.
#
#   bench/etcd-bench.sh            # results on stdout and in bench/results/etcd.md (~5 min)
set -euo pipefail
cd "$(dirname "$0")/.."
JAR=target/quarkus-app/quarkus-run.jar
WORK=$(mktemp -d)
# shellcheck source=bench/lib.sh
source bench/lib.sh
ensure_jar
command -v etcd >/dev/null || { echo "etcd is missing: deploy/setup.sh installs it"; exit 1; }
PORT=$(free_port)
EPORT=$(free_port)
PPORT=$(free_port)
cleanup() {
  kill "$(cat "$WORK/pid" 2>/dev/null)" 2>/dev/null || true
  kill "$(cat "$WORK/etcd.pid" 2>/dev/null)" 2>/dev/null || true
  sleep 0.5; rm -rf "$WORK"
}
trap cleanup EXIT

etcd --name bench --data-dir "$WORK/etcd" --listen-client-urls "http://127.0.0.1:$EPORT" \
  --advertise-client-urls "http://127.0.0.1:$EPORT" --listen-peer-urls "http://127.0.0.1:$PPORT" \
  --initial-advertise-peer-urls "http://127.0.0.1:$PPORT" --initial-cluster "bench=http://127.0.0.1:$PPORT" \
  --max-txn-ops 10000 --max-request-bytes 33554432 --quota-backend-bytes 8589934592 >"$WORK/etcd.log" 2>&1 &
echo $! > "$WORK/etcd.pid"
until curl -sf "http://127.0.0.1:$EPORT/health" | grep -q true; do sleep 0.1; done

start() { # start STORE: prints ms from process start to ready
  local t0 store=$1
  t0=$(date +%s%N)
  # shellcheck disable=SC2086 # JAVA_OPTS is a list of options
  java $JAVA_OPTS -Dquarkus.http.port="$PORT" -Dcorral.data-dir="$WORK/data-$store" -Dcorral.reconcile.enabled=false \
    -Dcorral.instance=etcdbench -Dcorral.store.kind="$store" -Dcorral.store.etcd.endpoints="http://127.0.0.1:$EPORT" \
    -Dcorral.store.etcd.prefix=/bench -jar "$JAR" >>"$WORK/app-$store.log" 2>&1 &
  echo $! > "$WORK/pid"
  until curl -sf "localhost:$PORT/q/health/ready" >/dev/null; do sleep 0.02; done
  echo $(( ($(date +%s%N) - t0) / 1000000 ))
}
stop() { kill "$(cat "$WORK/pid")"; while kill -0 "$(cat "$WORK/pid")" 2>/dev/null; do sleep 0.05; done; }
batch() { # batch B V: 1 000 Relics (10 sessions of 100), batch B, version V
  awk -v b="$1" -v v="$2" 'BEGIN { for (i = 0; i < 1000; i++) {
    printf "---\napiVersion: corral.dev/v1\nkind: Relic\nmetadata:\n  name: relic-%d\n  session: s%d-%d\n  labels: {app: bench}\n", i, b, i % 10
    printf "spec:\n  image: corral/busybox:latest\n  command: [httpd, -f, -p, \"8080\"]\n  env: {VERSION: \"%d\"}\n  port: 8080\n", v } }'
}
put() { curl -s -o /dev/null -w '%{http_code} %{time_total}\n' -XPUT -H 'Content-Type: application/yaml' --data-binary @"$1" "localhost:$PORT/specs"; }
median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
ms() { awk -v t="$1" 'BEGIN { printf "%.0f", t * 1000 }'; }

declare -A created configured single ready
for store in file etcd; do
  log "store: $store"
  start "$store" >/dev/null
  c=(); u=(); one=()
  for b in $(seq 0 9); do batch "$b" 1 > "$WORK/b.yaml"; read -r code t < <(put "$WORK/b.yaml"); [ "$code" = 200 ] || { echo "apply failed: $code"; exit 1; }; c+=("$t"); done
  for b in $(seq 0 9); do batch "$b" 2 > "$WORK/b.yaml"; read -r code t < <(put "$WORK/b.yaml"); [ "$code" = 200 ] || { echo "apply failed: $code"; exit 1; }; u+=("$t"); done
  for v in $(seq 1 50); do
    printf 'apiVersion: corral.dev/v1\nkind: Tool\nmetadata: {name: one}\nspec: {image: "corral/busybox:v%d"}\n' "$v" > "$WORK/one.yaml"
    read -r code t < <(put "$WORK/one.yaml"); [ "$code" = 200 ] || { echo "apply failed: $code"; exit 1; }; one+=("$t")
  done
  stop
  r=(); for _ in 1 2 3; do r+=("$(start "$store")"); stop; done
  created[$store]=$(ms "$(printf '%s\n' "${c[@]}" | median)")
  configured[$store]=$(ms "$(printf '%s\n' "${u[@]}" | median)")
  single[$store]=$(printf '%s\n' "${one[@]}" | median | awk '{ printf "%.1f", $1 * 1000 }')
  ready[$store]=$(printf '%s\n' "${r[@]}" | median)
done
mkdir -p bench/results
{
  echo "# Stores side by side: file and etcd"
  echo
  echo "$(date -u '+%Y-%m-%d %H:%M') UTC, $(nproc) cores, $(java -version 2>&1 | head -1), $(etcd --version | head -1), one etcd member on loopback."
  echo "Rerun: \`bench/etcd-bench.sh\`. The loop is off; times are curl's, from request to answer."
  echo
  echo "| measure | file | etcd | etcd / file |"
  echo "|---|---|---|---|"
  echo "| PUT /specs of 1 000 new specs (median of 10) | ${created[file]} ms | ${created[etcd]} ms | $(ratio "${created[etcd]}" "${created[file]}") |"
  echo "| PUT /specs of 1 000 changed specs (median of 10) | ${configured[file]} ms | ${configured[etcd]} ms | $(ratio "${configured[etcd]}" "${configured[file]}") |"
  echo "| PUT /specs of one changed spec (median of 50) | ${single[file]} ms | ${single[etcd]} ms | $(ratio "${single[etcd]}" "${single[file]}") |"
  echo "| start to ready with 10 000 specs stored (median of 3) | ${ready[file]} ms | ${ready[etcd]} ms | $(ratio "${ready[etcd]}" "${ready[file]}") |"
} | tee bench/results/etcd.md
