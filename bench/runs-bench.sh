#!/usr/bin/env bash
# Tool-run benchmark: what a Corral language run costs next to a bare `docker run --rm` of the same
# runner image with the same lock-down. Three parts, measured in one go:
#   cold        POST /runs?wait=true of a one-line bash run (`echo hi`) and a one-line python run
#               (`print(1)`), sequential, after WARMUP warm-up runs of each, no warm pool; against
#               `docker run --rm <same flags> <image> bash -c 'echo hi'` / `python3 -c 'print(1)'`.
#               A third pair: a run of a Tool (busybox, `grep -c fox` of its parameters, the same limits)
#               with parameters {"text": "the quick brown fox"}, against `docker run -i --rm` of the same
#               image and command with the parameters on stdin. The six variants are interleaved (one of
#               each per round) so that drift in the machine's load hits them alike. Median and p95 of
#               each; target (#13) Corral/docker-run of the medians <= 1.0. After each Corral run the script
#               waits until the workspaces Corral prepares ahead for cold Tool runs are ready again (as the
#               warm part waits for its pools), so that their making runs during no measurement.
#   warm        the same, with warm pools of POOL containers for bash, python and the Tool
#               (corral.runs.<language>-pool-size, the Tool's pool.size); before each sample, of either side, the script
#               waits until the pools are full again, so no refill runs during a measurement.
#               Target (#13) Corral/docker-run <= 0.10. Every answer must say status.pooled.
#               Then once more with a kept-alive client (bench/keepalive_runs.py): #13's "HTTP request in ->
#               JSON result out", with no curl process started per run.
#   throughput  N bash `echo hi` runs at parallelism P (xargs -P P curl ...?wait=true) until all
#               have answered Succeeded, against N `docker run --rm` at the same parallelism:
#               runs per second, TP_ROUNDS rounds each, alternating; Corral cold, Corral with a
#               bash pool of P, with a pool of N (as large as the burst), and with a pool of P that may
#               grow to N (bash-pool-max), grown by an untimed first burst; and the pool of N once more
#               with the burst sent from P kept-alive connections (full-ka, bench/burst_client.py) instead
#               of a curl process per run. Corral is restarted for
#               this part with corral.runs.max-concurrent=P and corral.runs.max-queued=1000.
#
#   bench/runs-bench.sh                       # results in bench/results/runs.md (raw samples in runs.d/)
#   RUNS=20 TP_ROUNDS=1 bench/runs-bench.sh   # quicker
#   MVN_ARGS=-o bench/runs-bench.sh           # build offline
#   CI_WAIT=0 bench/runs-bench.sh             # do not wait for test runs on this machine to end
#   PARTS=throughput TP_MODES="full grown" bench/runs-bench.sh   # some parts and modes; the others keep their last figures
#
# Timing is wall clock of the client process (bash's EPOCHREALTIME around `curl` or `docker run`),
# so both sides pay one process start of their client. Every answer is checked: Corral's must be a
# 201 with status.phase Succeeded and the expected stdout, docker's the expected stdout.
#
# Needs: java 17, curl, jq, python3, docker (the engine answering, images corral/runner-bash and
# corral/runner-python: built with deploy/images/build.sh when missing). Uses Corral instance
# `runbench` (label corral.dev/instance=runbench) and label corral.bench/variant=runs-ref for the
# docker-run side; removes both at the end. Other instances' containers are left alone.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-50}
WARMUP=${WARMUP:-3}
TP_N=${TP_N:-200}
TP_P=${TP_P:-16}
TP_ROUNDS=${TP_ROUNDS:-3}
POOL=${POOL:-2}
PARTS=${PARTS:-latency throughput}
TP_MODES=${TP_MODES:-cold warm full full-ka grown}
CI_WAIT=${CI_WAIT:-900}                # seconds to wait for CI-like test runs (mvnw verify, surefire) to end
MVN_ARGS=${MVN_ARGS:-}
JAR=target/quarkus-app/quarkus-run.jar
BASH_IMAGE=corral/runner-bash:latest
PY_IMAGE=corral/runner-python:latest
TOOL_IMAGE=corral/busybox:latest
FRAG=bench/results/runs.d
mkdir -p "$FRAG"
WORK=$(mktemp -d /tmp/corral-runs.XXXXXX)
CORRAL_PID=
LOCKDOWN=(--read-only --tmpfs /tmp -v /workspace --init --cap-drop ALL --security-opt no-new-privileges
  --network none --user 1000:1000 --memory 256m --memory-swap 256m --cpus 1 --pids-limit 128)

INSTANCE=runbench
# shellcheck source=bench/lib.sh
. bench/lib.sh

# ---- build ----
ensure_jar
ensure_images "$BASH_IMAGE" "$PY_IMAGE" "$TOOL_IMAGE"

# ---- helpers ----
us() { echo "${EPOCHREALTIME/./}"; }                       # wall clock, microseconds
pct() { # P: nearest-rank percentile of the numbers on stdin
  sort -n | awk -v p="$1" '{ a[NR] = $1 } END { r = int(NR * p / 100); if (r < NR * p / 100) r++; if (r < 1) r = 1; print a[r] }'
}
ms() { awk -v u="$1" 'BEGIN { printf "%.0f ms", u / 1000 }'; }
ci_busy() { pgrep -f 'mvnw -B verify' >/dev/null || pgrep -f surefire >/dev/null; }
CI_SEEN=""
note_ci() { ci_busy && CI_SEEN+="$1 " || true; }

clean_all() {
  stop_corral
  rm_label corral.dev/instance=runbench
  rm_label corral.bench/variant=runs-ref
}
trap 'clean_all; cp "$WORK/corral.log" /tmp/corral-runs-last.log 2>/dev/null || true; rm -rf "$WORK"' EXIT

: > "$FRAG/anomalies.jsonl"
anomaly() { # PART FILE HTTP_CODE: records a Corral answer that is not 201 + Succeeded + the expected stdout
  jq -c --arg part "$1" --arg code "$3" '{part: $part, http: $code, name: .metadata.name, phase: .status.phase,
    exitCode: .status.exitCode, stdout: .status.stdout, stderr: .status.stderr, truncated: .status.truncated,
    startedAt: .status.startedAt, finishedAt: .status.finishedAt, durationMs: .status.durationMs,
    message: .status.message, error: .error}' "$2" >> "$FRAG/anomalies.jsonl" 2>/dev/null ||
    jq -nc --arg part "$1" --arg code "$3" --rawfile b "$2" '{part: $part, http: $code, body: $b[:500]}' >> "$FRAG/anomalies.jsonl"
}
body() { # LANG CODE, or tool NAME: a run of Tool NAME with one parameter
  if [ "$1" = tool ]; then jq -nc --arg t "$2" '{tool: $t, parameters: {text: "the quick brown fox"}}'
  else jq -nc --arg l "$1" --arg c "$2" '{language: $l, code: $c, timeoutSeconds: 30}'; fi
}
# The Tool of the tool variant: busybox reading its parameters, with the same limits as the reference's
# lock-down; a warm pool of POOL in the warm part.
bench_tool() { # POOL_SIZE
  cat <<YAML
apiVersion: corral.dev/v1
kind: Tool
metadata: {name: bench-grep}
spec:
  image: $TOOL_IMAGE
  command: [sh, -c, "grep -c fox /workspace/data/input.json"]
  resources: {memoryMb: 256, cpus: 1, pids: 128}
  timeoutSeconds: 30
  network: none
$( [ "$1" -gt 0 ] && echo "  pool: {size: $1}" )
YAML
}
apply_tool() { # POOL_SIZE
  bench_tool "$1" | curl -sf -o /dev/null -XPUT -H 'Content-Type: application/yaml' --data-binary @- "localhost:$PORT/specs" ||
    { log "could not apply the bench Tool"; exit 1; }
}
# corral_run LANG CODE EXPECTED_STDOUT: one POST /runs?wait=true; prints "wall_us durationMs"
corral_run() {
  local b t0 t1 code
  b=$(body "$1" "$2")
  t0=$(us)
  code=$(curl -s -o "$WORK/reply.json" -D "$WORK/reply.headers" -w '%{http_code}' -XPOST \
    -H 'Content-Type: application/json' "localhost:$PORT/runs?wait=true&timeout=60s" -d "$b")
  t1=$(us)
  # Corral's own account of where the time went (RunTimings): the Server-Timing header of the answer.
  local st
  st=$(tr -d '\r' < "$WORK/reply.headers" | awk 'tolower($1) == "server-timing:" { sub(/^[^:]*: */, ""); print }')
  if [ -n "$st" ]; then echo "$((t1 - t0)) $st" >> "$WORK/timing-$1"; fi
  local phase out dur pooled
  phase=$(jq -r '.status.phase // "none"' "$WORK/reply.json" 2>/dev/null || echo unparsable)
  out=$(jq -r '.status.stdout // ""' "$WORK/reply.json" 2>/dev/null || true)
  dur=$(jq -r '.status.durationMs // "?"' "$WORK/reply.json" 2>/dev/null || echo '?')
  pooled=$(jq -r '.status.pooled // false' "$WORK/reply.json" 2>/dev/null || echo '?')
  if [ "$pooled" != "${WANT_POOLED:-false}" ]; then
    log "Corral $1 run: pooled=$pooled, expected ${WANT_POOLED:-false}"
    anomaly "${PART:-latency}, $1, pooled=$pooled" "$WORK/reply.json" "$code"
  fi
  if [ "$code" != 201 ] || [ "$phase" != Succeeded ] || [ "$out" != "$3" ]; then
    # kept and reported, not fatal: an odd answer is a finding (the run's wall time still counts)
    log "Corral $1 run: HTTP $code, phase $phase, stdout '$out'; reply: $(head -c 800 "$WORK/reply.json")"
    anomaly "${PART:-latency}, $1" "$WORK/reply.json" "$code"
  fi
  echo "$((t1 - t0)) $dur"
}
# await_pools [SECONDS]: until every warm pool is full again (GET /pools: idle == target, the size or,
# for a grown pool, more), at most SECONDS (30)
await_pools() {
  for _ in $(seq $((${1:-30} * 20))); do
    curl -s "localhost:$PORT/pools" | jq -e 'all(.[]; .idle == .target)' >/dev/null && return 0
    sleep 0.05
  done
  log "warm pools not full after ${1:-30} s: $(curl -s "localhost:$PORT/pools")"
}
# await_workspaces: until the workspaces prepared ahead for cold Tool runs are all ready again (the gauges
# corral_run_workspaces_ready == corral_run_workspaces_target; both 0 before the first Tool run), at most 30 s:
# as with the pools, their making does not run during a measurement
await_workspaces() {
  for _ in $(seq 600); do
    curl -s "localhost:$PORT/q/metrics" | awk '/^corral_run_workspaces_ready / { r = $2 } /^corral_run_workspaces_target / { t = $2 }
      END { exit !(r != "" && r == t) }' && return 0
    sleep 0.05
  done
  log "prepared workspaces not ready after 30 s: $(curl -s "localhost:$PORT/q/metrics" | grep '^corral_run_workspaces')"
}
# docker_run IMAGE EXPECTED_STDOUT CMD...: one docker run --rm; prints wall_us
docker_run() {
  local img=$1 want=$2 t0 t1 out; shift 2
  t0=$(us)
  if [ -n "${DOCKER_STDIN:-}" ]; then
    out=$(printf '%s' "$DOCKER_STDIN" | docker run -i --rm --label corral.bench/variant=runs-ref "${LOCKDOWN[@]}" "$img" "$@")
  else
    out=$(docker run --rm --label corral.bench/variant=runs-ref "${LOCKDOWN[@]}" "$img" "$@")
  fi
  t1=$(us)
  [ "$out" = "$want" ] || { log "docker run $img $*: stdout '$out'"; exit 1; }
  echo "$((t1 - t0))"
}

# docker_tool: the Tool variant's reference: its parameters on stdin to the same command, same image and lock-down
docker_tool() {
  DOCKER_STDIN='{"text":"the quick brown fox"}' docker_run "$TOOL_IMAGE" 1 sh -c 'cat > /tmp/input.json && grep -c fox /tmp/input.json'
}

# ---- wait for test runs on this machine ----
waited=0
while [ "$CI_WAIT" -gt 0 ] && ci_busy && [ "$waited" -lt "$CI_WAIT" ]; do
  [ "$waited" = 0 ] && log "waiting for CI-like test runs to end (mvnw -B verify / surefire), at most $CI_WAIT s"
  sleep 20; waited=$((waited + 20))
done
if ci_busy; then CI_START="still running after ${waited} s of waiting: figures may be skewed"
else CI_START="none running (waited ${waited} s)"; fi
log "CI-like test runs: $CI_START"

clean_all
VOL0=$(docker volume ls -q --filter dangling=true | wc -l)
LOAD0=$(cut -d' ' -f1-3 /proc/loadavg)

# ---- part 1: latency, cold and warm ----
api_calls() { # Docker API calls Corral made (histogram corral_docker_api_seconds{operation}): calls and mean time
  curl -s "localhost:$PORT/q/metrics" | awk -F'[{}]' '/^corral_docker_api_seconds_(count|sum)\{/ {
      match($2, /operation="[^"]*"/); op = substr($2, RSTART + 11, RLENGTH - 12); split($3, v, " ")
      if ($1 ~ /_count$/) c[op] += v[1]; else s[op] += v[1] }
    END { for (op in c) printf "%s %d %.6f\n", op, c[op], s[op] }' | sort
}
# latency MODE (cold|warm): the four interleaved variants; writes $FRAG/latency-MODE.md
# breakdown FILE...: a table of median milliseconds per stage, one column per file (bash, python)
breakdown() {
  python3 - "$@" <<'PY'
import statistics, sys
cols = []
for path in sys.argv[1:]:
    runs = []
    for line in open(path):
        wall, _, header = line.strip().partition(" ")
        stages = {}
        for part in header.split(", "):
            name, _, dur = part.partition(";dur=")
            stages[name] = float(dur)
        stages["outside Corral"] = int(wall) / 1000 - stages.get("total", 0)
        stages["client wall time"] = int(wall) / 1000
        runs.append(stages)
    cols.append(runs)
names = ["admission", "queue", "handOver", "command", "collect", "record", "total", "outside Corral", "client wall time"]
print("| stage | " + " | ".join(p.rsplit("-", 1)[-1] for p in sys.argv[1:]) + " |")
print("|---|" + "---|" * len(cols))
for n in names:
    cells = []
    for runs in cols:
        vals = [r[n] for r in runs if n in r]
        cells.append("%.1f ms" % statistics.median(vals) if vals else "–")
    print("| %s | %s |" % (n, " | ".join(cells)))
PY
}
# latency_tables MODE CORRAL_LABEL RATIO_LABEL TARGET: each variant's median, p95, min and max from
# $FRAG/latency-MODE-*.us, then Corral's ratios to docker run of the medians (against TARGET) and the p95s
latency_tables() {
  local mode=$1 clabel=$2 rlabel=$3 target=$4 f label r p lang side
  echo "| variant | median | p95 | min | max |"
  echo "|---|---|---|---|---|"
  for lang in bash python tool; do
    for side in corral docker; do
      f="$FRAG/latency-$mode-$side-$lang.us"
      if [ $side = corral ]; then label="Corral \`POST /runs?wait=true\`, $lang, $clabel"; elif [ $lang = tool ]; then label="\`docker run -i --rm\`, the Tool's command, parameters on stdin"; else label="\`docker run --rm\`, $lang"; fi
      echo "| $label | $(ms "$(pct 50 < "$f")") | $(ms "$(pct 95 < "$f")") | $(ms "$(pct 0 < "$f")") | $(ms "$(pct 100 < "$f")") |"
    done
  done
  echo
  for p in 50 95; do
    if [ $p = 50 ]; then echo "| ratio of medians | value | target |"; echo "|---|---|---|"
    else echo "| ratio of p95s | value | |"; echo "|---|---|---|"; fi
    for lang in bash python tool; do
      r=$(ratio "$(pct $p < "$FRAG/latency-$mode-corral-$lang.us")" "$(pct $p < "$FRAG/latency-$mode-docker-$lang.us")")
      if [ $p = 50 ]; then echo "| $rlabel / \`docker run --rm\`, $lang | **$r** | ≤ $target |"
      else echo "| $rlabel / \`docker run --rm\`, $lang | $r | |"; fi
    done
    echo
  done
}
latency() {
  local mode=$1 wait=: target=1.0
  if [ "$mode" = warm ]; then
    log "latency: Corral with warm pools of $POOL for bash, python and the Tool"
    start_corral "$WORK/data-$mode" -Dcorral.runs.bash-pool-size="$POOL" -Dcorral.runs.python-pool-size="$POOL"
    apply_tool "$POOL"
    wait=await_pools; target=0.10; export WANT_POOLED=true
  else
    log "latency: Corral with default settings (no warm pool)"
    start_corral "$WORK/data-$mode"; export WANT_POOLED=false
    apply_tool 0
    wait=await_workspaces
  fi
  export PART="latency $mode"
  $wait
  for _ in $(seq "$WARMUP"); do
    corral_run bash 'echo hi' hi >/dev/null; $wait
    corral_run python 'print(1)' 1 >/dev/null; $wait
    docker_run "$BASH_IMAGE" hi bash -c 'echo hi' >/dev/null
    docker_run "$PY_IMAGE" 1 python3 -c 'print(1)' >/dev/null
    corral_run tool bench-grep 1 >/dev/null; $wait
    docker_tool >/dev/null
  done
  : > "$WORK/corral-bash"; : > "$WORK/corral-python"; : > "$WORK/docker-bash"; : > "$WORK/docker-python"
  : > "$WORK/corral-tool"; : > "$WORK/docker-tool"
  : > "$WORK/timing-bash"; : > "$WORK/timing-python"; : > "$WORK/timing-tool"
  for i in $(seq "$RUNS"); do
    corral_run bash 'echo hi' hi >> "$WORK/corral-bash"; $wait
    docker_run "$BASH_IMAGE" hi bash -c 'echo hi' >> "$WORK/docker-bash"
    corral_run python 'print(1)' 1 >> "$WORK/corral-python"; $wait
    docker_run "$PY_IMAGE" 1 python3 -c 'print(1)' >> "$WORK/docker-python"
    corral_run tool bench-grep 1 >> "$WORK/corral-tool"; $wait
    docker_tool >> "$WORK/docker-tool"
    if [ $((i % 10)) = 0 ]; then log "latency $mode: $i of $RUNS rounds"; fi
  done
  note_ci "latency-$mode"
  # The client's own floor: the same curl, timed the same way, for a request that does nothing.
  for _ in $(seq 20); do t0=$(us); curl -s -o /dev/null "localhost:$PORT/q/health/live"; echo $(( $(us) - t0 )); done \
    > "$WORK/curl-floor"
  api_calls > "$WORK/api"
  stop_corral
  for v in corral-bash corral-python corral-tool docker-bash docker-python docker-tool; do
    awk '{ print $1 }' "$WORK/$v" > "$FRAG/latency-$mode-$v.us"          # raw samples, microseconds
  done
  {
    if [ "$mode" = warm ]; then
      echo "### Latency, warm pool: one-line run, sequential ($RUNS each after $WARMUP warm-up runs, interleaved)"
      echo
      echo "Pools of $POOL for bash, python and the Tool; every answer said \`status.pooled: true\` unless listed under anomalies."
    else
      echo "### Latency, cold: one-line run, sequential ($RUNS each after $WARMUP warm-up runs, interleaved)"
    fi
    echo
    latency_tables "$mode" "$mode" "Corral $mode" "$target"
    echo "Corral's own \`status.durationMs\` (cold: container start to exit, as the engine reports them; warm: from handing the run to its container until Corral has its report, by Corral's clock): median" \
      "$(awk '{ print $2 }' "$WORK/corral-bash" | pct 50) ms for bash, $(awk '{ print $2 }' "$WORK/corral-python" | pct 50) ms for python, $(awk '{ print $2 }' "$WORK/corral-tool" | pct 50) ms for the Tool."
    echo
    echo "Where the time went, by Corral's own marks (\`Server-Timing\` of each answer, medians of the $RUNS runs;"
    echo "the stages are defined in docs/observability.md; \"outside Corral\" is the client's wall time minus Corral's total: curl, HTTP, the loopback):"
    echo
    breakdown "$WORK/timing-bash" "$WORK/timing-python" "$WORK/timing-tool"
    echo
    echo "The client's floor: the same curl, timed the same way, for \`GET /q/health/live\` (which does nothing): median $(ms "$(pct 50 < "$WORK/curl-floor")") — most of \"outside Corral\" is starting curl (~25 ms here) and its HTTP exchange."
    cp "$WORK/timing-bash" "$FRAG/timing-$mode-bash.txt"; cp "$WORK/timing-python" "$FRAG/timing-$mode-python.txt"
    cp "$WORK/timing-tool" "$FRAG/timing-$mode-tool.txt"
    echo
    echo "Docker API calls Corral made in this part ($(( (RUNS + WARMUP) * 3 )) runs, and the pools' refills; \`corral_docker_api_seconds\`):"
    echo
    echo "| operation | calls per run | mean per call |"
    echo "|---|---|---|"
    awk -v n=$(( (RUNS + WARMUP) * 3 )) '$2 > 0 { printf "| %s | %.2f | %.1f ms |\n", $1, $2 / n, $3 / $2 * 1000 }' "$WORK/api"
  } > "$FRAG/latency-$mode.md"
  cat "$FRAG/latency-$mode.md" >&2
  unset WANT_POOLED PART
}
# keepalive: warm runs timed as #13 defines them, HTTP request in -> JSON result out, over one kept-alive
# connection (bench/keepalive_runs.py), interleaved with docker run --rm; writes $FRAG/latency-keepalive.md
keepalive() {
  log "latency: Corral with warm pools of $POOL, one kept-alive HTTP connection"
  start_corral "$WORK/data-keepalive" -Dcorral.runs.bash-pool-size="$POOL" -Dcorral.runs.python-pool-size="$POOL"
  apply_tool "$POOL"
  rm -rf "$WORK/ka"; mkdir -p "$WORK/ka"
  LOCKDOWN="${LOCKDOWN[*]}" BASH_IMAGE=$BASH_IMAGE PY_IMAGE=$PY_IMAGE TOOL_IMAGE=$TOOL_IMAGE \
    python3 bench/keepalive_runs.py "$PORT" "$RUNS" "$WARMUP" "$WORK/ka"
  note_ci latency-keepalive
  stop_corral
  touch "$WORK/ka/timing-bash" "$WORK/ka/timing-python" "$WORK/ka/timing-tool"   # none if no answer had Server-Timing
  if [ -f "$WORK/ka/anomalies" ]; then cat "$WORK/ka/anomalies" >> "$FRAG/anomalies.jsonl"; fi
  for v in corral-bash corral-python corral-tool docker-bash docker-python docker-tool; do
    cp "$WORK/ka/$v" "$FRAG/latency-keepalive-$v.us"
  done
  {
    echo "### Latency, warm pool, kept-alive client: one-line run, sequential ($RUNS each after $WARMUP warm-up runs, interleaved)"
    echo
    echo "As #13 defines a warm run's time, HTTP request in → JSON result out: \`bench/keepalive_runs.py\` sends every"
    echo "\`POST /runs?wait=true\` over one kept-alive connection (as a platform's service holding a connection does),"
    echo "timed from writing the request to having read the whole answer; \`docker run --rm\` is timed as above (its"
    echo "client process is how it is used). Pools of $POOL; every answer checked (201, Succeeded, stdout, pooled)."
    echo
    latency_tables keepalive "warm, kept-alive" "Corral warm (kept-alive)" 0.10
    echo "Where the time went (\`Server-Timing\`, medians; \"outside Corral\" is now the HTTP exchange on the open connection alone):"
    echo
    breakdown "$WORK/ka/timing-bash" "$WORK/ka/timing-python" "$WORK/ka/timing-tool"
    cp "$WORK/ka/timing-bash" "$FRAG/timing-keepalive-bash.txt"; cp "$WORK/ka/timing-python" "$FRAG/timing-keepalive-python.txt"
    cp "$WORK/ka/timing-tool" "$FRAG/timing-keepalive-tool.txt"
  } > "$FRAG/latency-keepalive.md"
  cat "$FRAG/latency-keepalive.md" >&2
}
if [[ " $PARTS " == *" latency "* ]]; then
  latency cold
  latency warm
  keepalive
fi

# ---- part 2: throughput ----
if [[ " $PARTS " == *" throughput "* ]]; then
body bash 'echo hi' > "$WORK/body.json"
# burst DIR: TP_N bash runs at parallelism TP_P, each answer in DIR/N.json, the HTTP codes in DIR/codes
# (BURST_CLIENT=keepalive: from TP_P kept-alive connections, bench/burst_client.py, instead of a curl per run)
burst() {
  if [ "${BURST_CLIENT:-curl}" = keepalive ]; then
    python3 bench/burst_client.py "$PORT" "$TP_N" "$TP_P" "$WORK/body.json" "$1"
    return
  fi
  seq "$TP_N" | xargs -P "$TP_P" -I{} curl -s -o "$1/{}.json" -w '%{http_code}\n' -XPOST \
    -H 'Content-Type: application/json' --data-binary @"$WORK/body.json" \
    "localhost:$PORT/runs?wait=true&timeout=300s" > "$1/codes"
}
# tp_corral ROUND MODE [extra -D...]: one round against a fresh Corral; prints "wall_us good_runs pooled_runs"
# MODE: cold (no pool), warm (a pool of TP_P), full (a pool of TP_N, as large as the burst), grown (a pool of
# TP_P that may grow to TP_N: an untimed burst first makes it grow, then the timed one)
tp_corral() {
  local r=$1 mode=$2 d="$WORK/tp-corral-$2.$1" t0 t1 ok pooled stored primed=0; shift 2
  mkdir -p "$d" "$d.prime"
  start_corral "$WORK/data-throughput-$mode-$r" -Dcorral.runs.max-concurrent="$TP_P" -Dcorral.runs.max-queued=1000 "$@"
  export PART="throughput $mode round $r" WANT_POOLED=false
  if [ "$mode" = grown ]; then
    burst "$d.prime"; primed=$TP_N
    log "throughput grown round $r: after a first burst, pools $(curl -s "localhost:$PORT/pools" | jq -c .)"
  fi
  [ "$mode" != cold ] && { export WANT_POOLED=true; await_pools 300; }
  for _ in $(seq "$WARMUP"); do corral_run bash 'echo hi' hi >/dev/null; [ "$mode" != cold ] && await_pools 300; done
  local c0; c0=$(cpu_split)
  t0=$(us)
  burst "$d"
  t1=$(us)
  log "throughput $mode round $r: CPU seconds during the burst ($(awk -v u=$((t1 - t0)) 'BEGIN { printf "%.1f", u / 1e6 }') s on $(nproc) cores): $(cpu_diff "$c0" "$(cpu_split)")"
  ok=0
  for f in "$d"/*.json; do
    if jq -e '.status.phase == "Succeeded" and .status.stdout == "hi\n"' "$f" >/dev/null 2>&1; then ok=$((ok + 1))
    else anomaly "throughput $mode round $r" "$f" "?"; fi
  done
  pooled=$(cat "$d"/*.json | jq -s '[.[] | select(.status.pooled == true)] | length' 2>/dev/null || echo '?')
  stored=$(curl -s "localhost:$PORT/specs?kind=toolrun" | jq '[.items[] | select(.status.phase == "Succeeded")] | length')
  [ "$stored" = $((TP_N + WARMUP + primed)) ] || log "throughput $mode round $r: the store holds $stored Succeeded runs, $((TP_N + WARMUP + primed)) expected"
  stop_corral
  unset PART WANT_POOLED
  log "Corral $mode throughput round $r: $ok of $TP_N Succeeded with stdout hi, $pooled in warm containers; HTTP codes: $(sort "$d/codes" | uniq -c | tr -s ' \n' ' ')"
  [ "$ok" -ge $((TP_N * 9 / 10)) ] || { log "too many failed runs"; exit 1; }
  echo "$((t1 - t0)) $ok $pooled $stored $((TP_N + WARMUP + primed))"
}
# cpu_split: CPU ticks so far of the machine (busy), Corral, dockerd and containerd; cpu_diff A B: B - A, in seconds
cpu_split() {
  local all; all=$(awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9 }' /proc/stat)
  echo "$all $(cpu_ticks "$CORRAL_PID") $(cpu_ticks "$(pgrep -xo dockerd)") $(cpu_ticks "$(pgrep -xo containerd)")"
}
cpu_diff() {
  awk -v a="$1" -v b="$2" -v hz="$(getconf CLK_TCK)" 'BEGIN { split(a, x); split(b, y)
    for (i = 1; i <= 4; i++) d[i] = (y[i] - x[i]) / hz
    printf "all %.1f, Corral %.1f, dockerd %.1f, containerd %.1f, the rest (shims, runc, containers, clients) %.1f",
      d[1], d[2], d[3], d[4], d[1] - d[2] - d[3] - d[4] }'
}
tp_docker() {
  local d="$WORK/tp-docker.$1" t0 t1 ok
  mkdir -p "$d"
  local c0; c0=$(CORRAL_PID=self cpu_split)
  t0=$(us)
  # A docker run that hangs (dockerd 20.10 has wedged under 16 parallel runs here) fails the round
  # after 2 min instead of holding the benchmark (and the engine) forever.
  seq "$TP_N" | xargs -P "$TP_P" -I{} sh -c 'timeout 120 docker run --rm --label corral.bench/variant=runs-ref "$@" > '"$d"'/{}.out' \
    sh "${LOCKDOWN[@]}" "$BASH_IMAGE" bash -c 'echo hi'
  t1=$(us)
  log "throughput docker round $1: CPU seconds ($(awk -v u=$((t1 - t0)) 'BEGIN { printf "%.1f", u / 1e6 }') s): $(cpu_diff "$c0" "$(CORRAL_PID=self cpu_split)" | sed 's/Corral/this shell/')"
  ok=$(cat "$d"/*.out | grep -cx hi || true)
  [ "$ok" = "$TP_N" ] || { log "docker throughput: $ok of $TP_N printed hi"; exit 1; }
  echo "$((t1 - t0))"
}
rate() { awk -v n="$TP_N" -v u="$1" 'BEGIN { printf "%.1f", n / (u / 1e6) }'; }
for mode in $TP_MODES; do : > "$FRAG/throughput-corral-$mode.us"; done
: > "$FRAG/throughput-docker.us"
for r in $(seq "$TP_ROUNDS"); do
  log "throughput round $r of $TP_ROUNDS"
  tp_docker "$r" >> "$FRAG/throughput-docker.us"
  for mode in $TP_MODES; do
    case $mode in
      cold) opts=() ;;
      warm) opts=(-Dcorral.runs.bash-pool-size="$TP_P") ;;
      full|full-ka) opts=(-Dcorral.runs.bash-pool-size="$TP_N") ;;
      grown) opts=(-Dcorral.runs.bash-pool-size="$TP_P" -Dcorral.runs.bash-pool-max="$TP_N") ;;
      *) log "unknown throughput mode $mode"; exit 1 ;;
    esac
    BURST_CLIENT=$([ "$mode" = full-ka ] && echo keepalive || echo curl) \
      tp_corral "$r" "$mode" "${opts[@]}" >> "$FRAG/throughput-corral-$mode.us"
  done
done
note_ci throughput
dm=$(pct 50 < "$FRAG/throughput-docker.us")
{
  echo "### Throughput: $TP_N bash \`echo hi\` runs at parallelism $TP_P (median of $TP_ROUNDS rounds, alternating)"
  echo
  echo "| variant | median runs/s | median wall time | rounds (runs/s) |"
  echo "|---|---|---|---|"
  echo "| \`docker run --rm\` (xargs -P $TP_P) | $(rate "$dm") | $(awk -v u="$dm" 'BEGIN { printf "%.1f s", u / 1e6 }') | $(for u in $(cat "$FRAG/throughput-docker.us"); do rate "$u"; echo -n ' '; done)|"
  for mode in $TP_MODES; do
    f="$FRAG/throughput-corral-$mode.us"
    cm=$(awk '{ print $1 }' "$f" | pct 50)
    case $mode in
      cold) label="Corral \`POST /runs?wait=true\` (xargs -P $TP_P curl), no pool" ;;
      warm) label="Corral, bash pool of $TP_P" ;;
      full) label="Corral, bash pool of $TP_N (as large as the burst)" ;;
      full-ka) label="Corral, bash pool of $TP_N, the burst from $TP_P kept-alive connections (bench/burst_client.py)" ;;
      grown) label="Corral, bash pool of size $TP_P, max $TP_N, grown by a first burst" ;;
    esac
    echo "| $label | $(rate "$cm") | $(awk -v u="$cm" 'BEGIN { printf "%.1f s", u / 1e6 }') | $(for u in $(awk '{ print $1 }' "$f"); do rate "$u"; echo -n ' '; done)|"
  done
  echo
  for mode in $TP_MODES; do
    f="$FRAG/throughput-corral-$mode.us"
    echo "Corral $mode / \`docker run --rm\` runs per second: **$(ratio "$dm" "$(awk '{ print $1 }' "$f" | pct 50)")**;"
    echo "runs per round that answered 201, Succeeded, stdout \`hi\`: $(awk '{ printf "%s%s", sep, $2; sep = ", " }' "$f") of $TP_N;"
    echo "in a warm container: $(awk '{ printf "%s%s", sep, $3; sep = ", " }' "$f"); Succeeded runs in the store after the round: $(awk '{ printf "%s%s", sep, $4; sep = ", " }' "$f") ($(awk '{ printf "%s%s", sep, $5; sep = ", " }' "$f") expected)."
    echo
  done
  echo "Each Corral round is a fresh process with \`-Dcorral.runs.max-concurrent=$TP_P -Dcorral.runs.max-queued=1000\`"
  echo "($WARMUP warm-up runs first; the warm one waits for its pool to be full before the burst). A pool of $TP_P"
  echo "serves the first $TP_P runs of the burst; the rest wait for a container like cold runs do (each run that"
  echo "takes a warm one also asks for its replacement, which competes with the cold starts). With a pool as large"
  echo "as the burst every run finds a warm container; the grown pool starts at $TP_P and grows by one for each run"
  echo "of a first, untimed burst that found it empty (\`corral.runs.bash-pool-max=$TP_N\`), is refilled to its grown"
  echo "target, and then serves the timed burst."
} > "$FRAG/throughput.md"
cat "$FRAG/throughput.md" >&2
fi

clean_all
VOL1=$(docker volume ls -q --filter dangling=true | wc -l)
LOAD1=$(cut -d' ' -f1-3 /proc/loadavg)
{
  echo "### Observed during the run (written by the script)"
  echo
  echo "* CI-like test runs (\`pgrep -f 'mvnw -B verify'\`, \`pgrep -f surefire\`) before measuring: $CI_START;"
  echo "  seen again at the end of: ${CI_SEEN:-no part}. Load average $LOAD0 before, $LOAD1 after."
  echo "* Dangling volumes: $VOL0 before, $VOL1 after (both sides remove the anonymous /workspace volume with the container; other users of the engine may change this count)."
  a=$(wc -l < "$FRAG/anomalies.jsonl")
  if [ "$a" = 0 ]; then echo "* Every Corral answer was a 201 with phase Succeeded and the expected stdout."
  else
    echo "* **$a Corral answers were not a 201 with phase Succeeded and the expected stdout** (all in runs.d/anomalies.jsonl):"
    jq -r '"  * \(.part): HTTP \(.http), \(.name), phase \(.phase), exitCode \(.exitCode), stdout \(.stdout | tojson), stderr \(.stderr | tojson), durationMs \(.durationMs)\(if .message then ", message " + .message else "" end)"' \
      "$FRAG/anomalies.jsonl" | head -10
  fi
  n=$(grep -cE '^[0-9:.,-]+ (WARN|ERROR)' "$WORK/corral.log" || true)
  if [ "$n" = 0 ]; then echo "* Corral log: no WARN or ERROR line (both processes, start-up to shutdown)."
  else
    echo "* Corral log: $n WARN/ERROR lines over both processes; distinct messages:"
    { grep -E '^[0-9:.,-]+ (WARN|ERROR)' "$WORK/corral.log" || true; } \
      | sed -E 's/^[0-9:.,-]+ //; s/[0-9a-f]{64}/<id>/g; s/run-[a-z0-9-]+/run-…/g' \
      | cut -c1-300 | sort | uniq -c | sort -rn | head -10 | sed -E 's/^ *([0-9]+) (.*)/  * \1×: `\2`/'
  fi
} > "$FRAG/observed.md"

{
  echo "# Tool-run benchmark"
  echo
  echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')), $(free -g | awk '/Mem:/ { print $2 }') GiB RAM,"
  echo "Docker engine $(docker version --format '{{.Server.Version}}') ($(docker info --format '{{.Driver}}, cgroup {{.CgroupVersion}}' 2>/dev/null)), $(java -version 2>&1 | head -1)."
  echo "Rerun: \`bench/runs-bench.sh\` (~12 min on 2 cores; \`RUNS=20 TP_ROUNDS=1\` for a quicker one); it builds what"
  echo "it needs, waits up to 15 min for test runs on the machine to end (\`CI_WAIT=0\` not to), and cleans up after itself."
  echo "Raw samples (microseconds) are in bench/results/runs.d/."
  echo
  echo "Corral runs as a fresh process (\`-Dcorral.instance=runbench\`, its own data directory), timed from"
  echo "starting \`curl -XPOST /runs?wait=true\` with \`{\"language\", \"code\", \"timeoutSeconds\": 30}\` to its 201 with"
  echo "the finished run. Cold, Corral creates the container (the code and inputs in the launcher's environment),"
  echo "starts it, waits for it to exit, reads its logs (and /workspace/output when the launcher reports files"
  echo "there), stores the result and removes the container. Warm, Corral hands the run to an idle container of"
  echo "the pool on its stdin instead of creating and starting one, and reads its output from that attachment. The reference is"
  echo "\`docker run --rm ${LOCKDOWN[*]} <runner image> bash -c 'echo hi'\`"
  echo "(\`python3 -c 'print(1)'\`): the same image, lock-down and limits as a Corral run (Corral's tmpfs also"
  echo "has size=64m), the code given on the command line instead of copied in. Both timed as the wall time of"
  echo "the client process; every answer is checked (201, phase Succeeded, stdout)."
  echo
  for f in latency-cold latency-warm latency-keepalive throughput observed notes; do
    [ -f "$FRAG/$f.md" ] && { cat "$FRAG/$f.md"; echo; }
  done
} > bench/results/runs.md
log "wrote bench/results/runs.md"
cat bench/results/runs.md
