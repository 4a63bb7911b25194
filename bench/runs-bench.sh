#!/usr/bin/env bash
# Tool-run benchmark: what a Corral language run costs next to a bare `docker run --rm` of the same
# runner image with the same lock-down. Two parts, measured in one go:
#   latency     POST /runs?wait=true of a one-line bash run (`echo hi`) and a one-line python run
#               (`print(1)`), sequential, after WARMUP warm-up runs of each; against
#               `docker run --rm <same flags> <image> bash -c 'echo hi'` / `python3 -c 'print(1)'`.
#               The four variants are interleaved (one of each per round) so that drift in the
#               machine's load hits them alike. Median and p95 of each; target Corral/docker-run
#               of the medians <= 1.15.
#   throughput  N bash `echo hi` runs at parallelism P (xargs -P P curl ...?wait=true) until all
#               have answered Succeeded, against N `docker run --rm` at the same parallelism:
#               runs per second, TP_ROUNDS rounds each, alternating. Corral is restarted for this
#               part with corral.runs.max-concurrent=P and corral.runs.max-queued=1000.
#
#   bench/runs-bench.sh                       # results in bench/results/runs.md (raw samples in runs.d/)
#   RUNS=20 TP_ROUNDS=1 bench/runs-bench.sh   # quicker
#   MVN_ARGS=-o bench/runs-bench.sh           # build offline
#   CI_WAIT=0 bench/runs-bench.sh             # do not wait for test runs on this machine to end
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
CI_WAIT=${CI_WAIT:-900}                # seconds to wait for CI-like test runs (mvnw verify, surefire) to end
MVN_ARGS=${MVN_ARGS:-}
JAR=target/quarkus-app/quarkus-run.jar
BASH_IMAGE=corral/runner-bash:latest
PY_IMAGE=corral/runner-python:latest
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
newer=$(find src pom.xml -type f -newer "$JAR" -print -quit 2>/dev/null || echo missing)
if [ ! -f "$JAR" ] || [ -n "$newer" ]; then
  log "building (./mvnw $MVN_ARGS -q -B package -DskipTests)"
  ./mvnw $MVN_ARGS -q -B package -DskipTests
fi
for img in "$BASH_IMAGE" "$PY_IMAGE"; do
  docker image inspect "$img" >/dev/null 2>&1 || { log "building images"; deploy/images/build.sh; break; }
done

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
body() { # LANG CODE
  jq -nc --arg l "$1" --arg c "$2" '{language: $l, code: $c, timeoutSeconds: 30}'
}
# corral_run LANG CODE EXPECTED_STDOUT: one POST /runs?wait=true; prints "wall_us durationMs"
corral_run() {
  local b t0 t1 code
  b=$(body "$1" "$2")
  t0=$(us)
  code=$(curl -s -o "$WORK/reply.json" -w '%{http_code}' -XPOST -H 'Content-Type: application/json' \
    "localhost:$PORT/runs?wait=true&timeout=60s" -d "$b")
  t1=$(us)
  local phase out dur
  phase=$(jq -r '.status.phase // "none"' "$WORK/reply.json" 2>/dev/null || echo unparsable)
  out=$(jq -r '.status.stdout // ""' "$WORK/reply.json" 2>/dev/null || true)
  dur=$(jq -r '.status.durationMs // "?"' "$WORK/reply.json" 2>/dev/null || echo '?')
  if [ "$code" != 201 ] || [ "$phase" != Succeeded ] || [ "$out" != "$3" ]; then
    # kept and reported, not fatal: an odd answer is a finding (the run's wall time still counts)
    log "Corral $1 run: HTTP $code, phase $phase, stdout '$out'; reply: $(head -c 800 "$WORK/reply.json")"
    anomaly "latency, $1" "$WORK/reply.json" "$code"
  fi
  echo "$((t1 - t0)) $dur"
}
# docker_run IMAGE EXPECTED_STDOUT CMD...: one docker run --rm; prints wall_us
docker_run() {
  local img=$1 want=$2 t0 t1 out; shift 2
  t0=$(us)
  out=$(docker run --rm --label corral.bench/variant=runs-ref "${LOCKDOWN[@]}" "$img" "$@")
  t1=$(us)
  [ "$out" = "$want" ] || { log "docker run $img $*: stdout '$out'"; exit 1; }
  echo "$((t1 - t0))"
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

# ---- part 1: latency ----
log "latency: Corral with default settings"
start_corral "$WORK/data-latency"
for _ in $(seq "$WARMUP"); do
  corral_run bash 'echo hi' hi >/dev/null
  corral_run python 'print(1)' 1 >/dev/null
  docker_run "$BASH_IMAGE" hi bash -c 'echo hi' >/dev/null
  docker_run "$PY_IMAGE" 1 python3 -c 'print(1)' >/dev/null
done
: > "$WORK/corral-bash"; : > "$WORK/corral-python"; : > "$WORK/docker-bash"; : > "$WORK/docker-python"
for i in $(seq "$RUNS"); do
  corral_run bash 'echo hi' hi >> "$WORK/corral-bash"
  docker_run "$BASH_IMAGE" hi bash -c 'echo hi' >> "$WORK/docker-bash"
  corral_run python 'print(1)' 1 >> "$WORK/corral-python"
  docker_run "$PY_IMAGE" 1 python3 -c 'print(1)' >> "$WORK/docker-python"
  if [ $((i % 10)) = 0 ]; then log "latency: $i of $RUNS rounds"; fi
done
note_ci latency
# Docker API calls Corral made (histogram corral_docker_api_seconds{operation}): calls and mean time
curl -s "localhost:$PORT/q/metrics" | awk -F'[{}]' '/^corral_docker_api_seconds_(count|sum)\{/ {
    match($2, /operation="[^"]*"/); op = substr($2, RSTART + 11, RLENGTH - 12); split($3, v, " ")
    if ($1 ~ /_count$/) c[op] += v[1]; else s[op] += v[1] }
  END { for (op in c) printf "%s %d %.6f\n", op, c[op], s[op] }' | sort > "$WORK/api"
stop_corral
for v in corral-bash corral-python docker-bash docker-python; do
  awk '{ print $1 }' "$WORK/$v" > "$FRAG/latency-$v.us"          # raw samples, microseconds
done
{
  echo "### Latency: one-line run, sequential ($RUNS each after $WARMUP warm-up runs, interleaved)"
  echo
  echo "| variant | median | p95 | min | max |"
  echo "|---|---|---|---|---|"
  for lang in bash python; do
    for side in corral docker; do
      f="$FRAG/latency-$side-$lang.us"
      if [ $side = corral ]; then label="Corral \`POST /runs?wait=true\`, $lang"; else label="\`docker run --rm\`, $lang"; fi
      echo "| $label | $(ms "$(pct 50 < "$f")") | $(ms "$(pct 95 < "$f")") | $(ms "$(pct 0 < "$f")") | $(ms "$(pct 100 < "$f")") |"
    done
  done
  echo
  echo "| ratio of medians | value | target |"
  echo "|---|---|---|"
  for lang in bash python; do
    echo "| Corral / \`docker run --rm\`, $lang | **$(ratio "$(pct 50 < "$FRAG/latency-corral-$lang.us")" "$(pct 50 < "$FRAG/latency-docker-$lang.us")")** | ≤ 1.15 |"
  done
  echo
  echo "Corral's own \`status.durationMs\` (container start to exit, as the engine reports it): median" \
    "$(awk '{ print $2 }' "$WORK/corral-bash" | pct 50) ms for bash, $(awk '{ print $2 }' "$WORK/corral-python" | pct 50) ms for python."
  echo
  echo "Docker API calls Corral made in this part ($(( (RUNS + WARMUP) * 2 )) runs; \`corral_docker_api_seconds\`):"
  echo
  echo "| operation | calls per run | mean per call |"
  echo "|---|---|---|"
  awk -v n=$(( (RUNS + WARMUP) * 2 )) '$2 > 0 { printf "| %s | %.2f | %.1f ms |\n", $1, $2 / n, $3 / $2 * 1000 }' "$WORK/api"
} > "$FRAG/latency.md"
cat "$FRAG/latency.md" >&2

# ---- part 2: throughput ----
log "throughput: Corral with corral.runs.max-concurrent=$TP_P, corral.runs.max-queued=1000"
start_corral "$WORK/data-throughput" -Dcorral.runs.max-concurrent="$TP_P" -Dcorral.runs.max-queued=1000
for _ in $(seq "$WARMUP"); do corral_run bash 'echo hi' hi >/dev/null; done
body bash 'echo hi' > "$WORK/body.json"
tp_corral() { # prints "wall_us good_runs"; odd answers are recorded (anomaly), more than 10 % stop the script
  local d="$WORK/tp-corral.$1" t0 t1 ok
  mkdir -p "$d"
  t0=$(us)
  seq "$TP_N" | xargs -P "$TP_P" -I{} curl -s -o "$d/{}.json" -w '%{http_code}\n' -XPOST \
    -H 'Content-Type: application/json' --data-binary @"$WORK/body.json" \
    "localhost:$PORT/runs?wait=true&timeout=300s" > "$d/codes"
  t1=$(us)
  ok=0
  for f in "$d"/*.json; do
    if jq -e '.status.phase == "Succeeded" and .status.stdout == "hi\n"' "$f" >/dev/null 2>&1; then ok=$((ok + 1))
    else anomaly "throughput round $1" "$f" "?"; fi
  done
  log "Corral throughput round $1: $ok of $TP_N Succeeded with stdout hi; HTTP codes: $(sort "$d/codes" | uniq -c | tr -s ' \n' ' ')"
  [ "$ok" -ge $((TP_N * 9 / 10)) ] || { log "too many failed runs"; exit 1; }
  echo "$((t1 - t0)) $ok"
}
tp_docker() {
  local d="$WORK/tp-docker.$1" t0 t1 ok
  mkdir -p "$d"
  t0=$(us)
  seq "$TP_N" | xargs -P "$TP_P" -I{} sh -c 'docker run --rm --label corral.bench/variant=runs-ref "$@" > '"$d"'/{}.out' \
    sh "${LOCKDOWN[@]}" "$BASH_IMAGE" bash -c 'echo hi'
  t1=$(us)
  ok=$(cat "$d"/*.out | grep -cx hi || true)
  [ "$ok" = "$TP_N" ] || { log "docker throughput: $ok of $TP_N printed hi"; exit 1; }
  echo "$((t1 - t0))"
}
rate() { awk -v n="$TP_N" -v u="$1" 'BEGIN { printf "%.1f", n / (u / 1e6) }'; }
: > "$FRAG/throughput-corral.us"; : > "$FRAG/throughput-docker.us"
for r in $(seq "$TP_ROUNDS"); do
  tp_docker "$r" >> "$FRAG/throughput-docker.us"; log "throughput round $r: docker $(tail -1 "$FRAG/throughput-docker.us") us"
  tp_corral "$r" >> "$FRAG/throughput-corral.us"; log "throughput round $r: Corral $(tail -1 "$FRAG/throughput-corral.us") us"
done
note_ci throughput
STORED=$(curl -s "localhost:$PORT/specs?kind=toolrun" | jq '[.items[] | select(.status.phase == "Succeeded")] | length')
stop_corral
dm=$(pct 50 < "$FRAG/throughput-docker.us"); cm=$(pct 50 < "$FRAG/throughput-corral.us")
{
  echo "### Throughput: $TP_N bash \`echo hi\` runs at parallelism $TP_P (median of $TP_ROUNDS rounds, alternating)"
  echo
  echo "| variant | median runs/s | median wall time | rounds (runs/s) |"
  echo "|---|---|---|---|"
  echo "| \`docker run --rm\` (xargs -P $TP_P) | $(rate "$dm") | $(awk -v u="$dm" 'BEGIN { printf "%.1f s", u / 1e6 }') | $(for u in $(cat "$FRAG/throughput-docker.us"); do rate "$u"; echo -n ' '; done)|"
  echo "| Corral \`POST /runs?wait=true\` (xargs -P $TP_P curl) | $(rate "$cm") | $(awk -v u="$cm" 'BEGIN { printf "%.1f s", u / 1e6 }') | $(for u in $(awk '{ print $1 }' "$FRAG/throughput-corral.us"); do rate "$u"; echo -n ' '; done)|"
  echo
  echo "Corral / \`docker run --rm\` runs per second: **$(ratio "$dm" "$cm")**. Corral ran this part as a fresh process"
  echo "with \`-Dcorral.runs.max-concurrent=$TP_P -Dcorral.runs.max-queued=1000\` ($WARMUP warm-up runs first); at the end"
  echo "its store held $STORED Succeeded runs ($((TP_N * TP_ROUNDS + WARMUP)) expected). Runs per round that answered"
  echo "201, Succeeded, stdout \`hi\`: $(awk '{ printf "%s%s", sep, $2; sep = ", " }' "$FRAG/throughput-corral.us") of $TP_N (the rate counts all $TP_N answers)."
} > "$FRAG/throughput.md"
cat "$FRAG/throughput.md" >&2

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
  echo "Rerun: \`bench/runs-bench.sh\` (~6 min on 2 cores; \`RUNS=20 TP_ROUNDS=1\` for a quicker one); it builds what"
  echo "it needs, waits up to 15 min for test runs on the machine to end (\`CI_WAIT=0\` not to), and cleans up after itself."
  echo "Raw samples (microseconds) are in bench/results/runs.d/."
  echo
  echo "Corral runs as a fresh process (\`-Dcorral.instance=runbench\`, its own data directory), timed from"
  echo "starting \`curl -XPOST /runs?wait=true\` with \`{\"language\", \"code\", \"timeoutSeconds\": 30}\` to its 201 with"
  echo "the finished run; Corral creates the container, copies the code in (archive API), starts it, waits for"
  echo "it to exit, reads its logs and /workspace/output, removes it and stores the result. The reference is"
  echo "\`docker run --rm ${LOCKDOWN[*]} <runner image> bash -c 'echo hi'\`"
  echo "(\`python3 -c 'print(1)'\`): the same image, lock-down and limits as a Corral run (Corral's tmpfs also"
  echo "has size=64m), the code given on the command line instead of copied in. Both timed as the wall time of"
  echo "the client process; every answer is checked (201, phase Succeeded, stdout)."
  echo
  for f in latency throughput observed notes; do
    [ -f "$FRAG/$f.md" ] && { cat "$FRAG/$f.md"; echo; }
  done
} > bench/results/runs.md
log "wrote bench/results/runs.md"
cat bench/results/runs.md
