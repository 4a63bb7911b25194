#!/usr/bin/env bash
# Footprint benchmark: Corral's memory (RSS) and idle CPU in the states issue #13 names, with the JVM
# settings Corral ships (deploy/jvm.options, deploy/run.sh) and with candidate settings beside them,
# measured in one run. Parts, each run for every variant:
#   runs      a fresh Corral (bash pool of P=8): 1 000 Tool specs in one PUT, then 1 000 bash runs
#             (`echo hi`, ?wait=true, P at a time) kept in the store; RSS when the last run has
#             answered and again after an idle window (IDLE s)
#   sessions  300 Sessions of one Relic each, converged once (by the first variant); every variant's
#             Corral is then started on the same data and adopts them: time to ready, Docker API calls
#             made per container while adopting, RSS, and CPU over an idle window (IDLE s) at the
#             default resync interval (30 s), after as long a window to settle (first stats samples, JIT)
#
#   bench/footprint-bench.sh                    # results in bench/results/footprint.md
#   SESSIONS=100 IDLE=30 bench/footprint-bench.sh
#   PARTS=sessions bench/footprint-bench.sh     # one part; the other keeps its last figures
#   VARIANTS=$'a|-Xmx256m|\nb|-Xmx128m|2' bench/footprint-bench.sh   # name|JVM options added|MALLOC_ARENA_MAX
#   HISTO=1 PARTS=runs bench/footprint-bench.sh # also the heap's class histogram: /tmp/corral-footprint-histo-<name>.txt
#
# RSS is VmRSS of /proc/PID/status; its peak VmHWM. CPU is utime+stime of /proc/PID/stat over the window.
# Needs: java 17, curl, jq, docker (images corral/runner-bash, corral/busybox). Uses Corral instance
# `footbench` and subnets 10.218/16; removes its containers and networks at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
SESSIONS=${SESSIONS:-300}
RUNS_N=${RUNS_N:-1000}
SPECS_N=${SPECS_N:-1000}
P=${P:-8}
IDLE=${IDLE:-60}
PARTS=${PARTS:-runs sessions}
MVN_ARGS=${MVN_ARGS:-}
JAR=target/quarkus-app/quarkus-run.jar
FRAG=bench/results/footprint.d
mkdir -p "$FRAG"
WORK=$(mktemp -d /tmp/corral-footprint.XXXXXX)
INSTANCE=footbench
CORRAL_PID=
# shellcheck source=bench/lib.sh
. bench/lib.sh
# The variants start from deploy/jvm.options without its native-memory trim and C1-only (the settings before them):
# name|JVM options added|MALLOC_ARENA_MAX (empty: glibc's default of 8 per core; its per-thread malloc
# arenas are what grows a JVM's native memory with many threads)
BASE_OPTS=$(grep -v '^#' deploy/jvm.options | grep -v 'TrimNativeHeapInterval\|IgnoreUnrecognizedVMOptions\|TieredStopAtLevel' | tr '\n' ' ')
VARIANTS=${VARIANTS:-"before (no trim, 8 arenas, C2)||
trim, 2 arenas, C2|-XX:+IgnoreUnrecognizedVMOptions -XX:TrimNativeHeapInterval=5000|2
shipped: trim, 2 arenas, C1 only|-XX:+IgnoreUnrecognizedVMOptions -XX:TrimNativeHeapInterval=5000 -XX:TieredStopAtLevel=1|2"}

ensure_jar
ensure_images corral/runner-bash:latest corral/busybox:latest

clean_all() { stop_corral; rm_label corral.dev/instance=$INSTANCE; }
trap 'clean_all; cp "$WORK/corral.log" /tmp/corral-footprint-last.log 2>/dev/null || true; rm -rf "$WORK"' EXIT

api_total() { # Docker API calls made so far (corral_docker_api_seconds_count): "total (operation n, ...)"
  curl -s "localhost:$PORT/q/metrics" | awk -F'[{}]' '/^corral_docker_api_seconds_count\{/ {
      match($2, /operation="[^"]*"/); op = substr($2, RSTART + 11, RLENGTH - 12); split($3, v, " "); c[op] += v[1]; n += v[1] }
    END { printf "%d (", n; sep = ""; for (op in c) { printf "%s%s %d", sep, op, c[op]; sep = ", " }; printf ")" }'
}
# idle_cpu SECONDS: percent of one core Corral used over the window
idle_cpu() {
  local c0 c1; c0=$(cpu_ticks "$CORRAL_PID"); sleep "$1"; c1=$(cpu_ticks "$CORRAL_PID")
  awk -v a="$c0" -v b="$c1" -v hz="$(getconf CLK_TCK)" -v w="$1" 'BEGIN { printf "%.2f", (b - a) / hz / w * 100 }'
}
us_now() { echo "${EPOCHREALTIME/./}"; }
# start EXTRA_OPTS ARENAS DATA [extra -D...]: Corral with the shipped options plus the variant's
start() {
  local extra=$1 arenas=$2; shift 2
  if [ -n "$arenas" ]; then MALLOC_ARENA_MAX=$arenas JAVA_OPTS="$BASE_OPTS $extra" start_corral "$@"
  else
    local shipped=$MALLOC_ARENA_MAX
    unset MALLOC_ARENA_MAX   # glibc's default (bench/lib.sh sets what deploy/run.sh does)
    JAVA_OPTS="$BASE_OPTS $extra" start_corral "$@"
    export MALLOC_ARENA_MAX=$shipped
  fi
}

tools() { # N Tool specs without a pool (stored, no container)
  awk -v n="$1" 'BEGIN { for (i = 0; i < n; i++) {
    printf "---\napiVersion: corral.dev/v1\nkind: Tool\nmetadata: {name: t%d}\n", i
    printf "spec: {image: corral/busybox:latest, command: [sh, -c, \"wc -w < /workspace/data/input.json\"]}\n" } }'
}
sessions() { # N Sessions of one Relic each
  awk -v n="$1" 'BEGIN {
    for (s = 0; s < n; s++) printf "---\napiVersion: corral.dev/v1\nkind: Session\nmetadata: {name: f%d}\n", s
    for (s = 0; s < n; s++) {
      printf "---\napiVersion: corral.dev/v1\nkind: Relic\nmetadata: {name: r, session: f%d}\n", s
      printf "spec:\n  image: corral/busybox:latest\n  command: [httpd, -f, -p, \"8080\", -h, /www]\n  port: 8080\n"
      printf "  resources: {memoryMb: 32, cpus: 0.2, pids: 32}\n" } }'
}
put() { # FILE TIMEOUT: PUT ?wait=true, prints how many results are Ready
  curl -s -o "$WORK/reply.json" -XPUT -H 'Content-Type: application/yaml' --data-binary @"$1" \
    "localhost:$PORT/specs?wait=true&timeout=$2"
  jq '[.results[]? | select(.outcome == "Ready")] | length' "$WORK/reply.json" 2>/dev/null || echo 0
}

tools "$SPECS_N" > "$WORK/tools.yaml"
jq -nc '{language: "bash", code: "echo hi", timeoutSeconds: 30}' > "$WORK/run.json"
sessions "$SESSIONS" > "$WORK/sessions.yaml"
clean_all

# ---- part runs ----
[[ " $PARTS " == *" runs "* ]] && : > "$FRAG/runs.tsv"
[[ " $PARTS " == *" runs "* ]] && while IFS='|' read -r name extra arenas; do
  [ -n "$name" ] || continue
  log "runs, $name: $SPECS_N Tools and $RUNS_N runs"
  start "$extra" "$arenas" "$WORK/data-runs-$name" -Dcorral.runs.bash-pool-size="$P" -Dcorral.runs.max-concurrent="$P" \
    -Dcorral.runs.max-queued=2000
  r0=$(rss)
  stored=$(put "$WORK/tools.yaml" 120s)
  [ "$stored" = "$SPECS_N" ] || { log "$stored of $SPECS_N Tools stored: $(head -c 400 "$WORK/reply.json")"; exit 1; }
  seq "$RUNS_N" | xargs -P "$P" -I{} curl -s -o /dev/null -w '%{http_code}\n' -XPOST -H 'Content-Type: application/json' \
    --data-binary @"$WORK/run.json" "localhost:$PORT/runs?wait=true&timeout=300s" > "$WORK/codes"
  ok=$(curl -s "localhost:$PORT/specs?kind=toolrun" | jq '[.items[] | select(.status.phase == "Succeeded")] | length')
  [ "$ok" -ge $((RUNS_N * 9 / 10)) ] || { log "$ok of $RUNS_N runs Succeeded"; exit 1; }
  r1=$(rss)
  cpu=$(idle_cpu "$IDLE")
  r2=$(rss); peak=$(hwm)
  # HISTO=1: what the heap holds then, by class (a full collection first: after the RSS was read)
  [ -z "${HISTO:-}" ] || jcmd "$CORRAL_PID" GC.class_histogram > "/tmp/corral-footprint-histo-${name%%[ :]*}.txt" 2>&1 || true
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$r0" "$r1" "$r2" "$peak" "$cpu" "$ok" >> "$FRAG/runs.tsv"
  log "runs, $name: RSS $r0 MiB at start, $r1 after, $r2 after ${IDLE} s idle (peak $peak); idle CPU $cpu %"
  stop_corral
  rm_label corral.dev/instance=$INSTANCE
done <<< "$VARIANTS"

# ---- part sessions ----
first=1
[[ " $PARTS " == *" sessions "* ]] && : > "$FRAG/sessions.tsv"
[[ " $PARTS " == *" sessions "* ]] && while IFS='|' read -r name extra arenas; do
  [ -n "$name" ] || continue
  if [ $first = 1 ]; then
    log "sessions: converging $SESSIONS sessions of one relic (once)"
    start "$extra" "$arenas" "$WORK/data-sessions" -Dcorral.network.pool=10.218.0.0/16
    ready=$(put "$WORK/sessions.yaml" 600s)
    [ "$ready" = $((SESSIONS * 2)) ] || { log "$ready of $((SESSIONS * 2)) Ready"; exit 1; }
    stop_corral; first=0
  fi
  t0=$(us_now)
  start "$extra" "$arenas" "$WORK/data-sessions" -Dcorral.network.pool=10.218.0.0/16
  t1=$(us_now)
  # every relic Ready again: the same PUT changes nothing and answers when all are Ready
  ready=$(put "$WORK/sessions.yaml" 300s)
  [ "$ready" = $((SESSIONS * 2)) ] || { log "$name: $ready of $((SESSIONS * 2)) Ready after restart"; exit 1; }
  calls=$(api_total)
  running=$(docker ps -q --filter label=corral.dev/instance=$INSTANCE --filter label=corral.dev/kind=Relic | wc -l)
  [ "$running" = "$SESSIONS" ] || { log "$running relics running, $SESSIONS expected"; exit 1; }
  r1=$(rss)
  sleep "$IDLE"   # settle: the first stats samples (a pid lookup each) and the JIT's first compilations
  cpu=$(idle_cpu "$IDLE")
  r2=$(rss); peak=$(hwm)
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$(( (t1 - t0) / 1000 ))" "$calls" "$r1" "$r2" "$peak" "$cpu" >> "$FRAG/sessions.tsv"
  log "sessions, $name: ready in $(( (t1 - t0) / 1000 )) ms, $calls Docker API calls, RSS $r1 / $r2 MiB (peak $peak), idle CPU $cpu %"
  stop_corral
done <<< "$VARIANTS"
clean_all

{
  echo "## Footprint ($(date -u +%Y-%m-%d), \`bench/footprint-bench.sh\`)"
  echo
  echo "JVM options: deploy/jvm.options without its native-memory trim (\`$BASE_OPTS\`), plus each variant's. Machine: $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), $(java -version 2>&1 | head -1)."
  echo
  echo "### $SPECS_N Tools stored and $RUNS_N bash runs kept (bash pool of $P, $P runs at a time)"
  echo
  echo "| variant | extra options | RSS at start | RSS after the runs | after ${IDLE} s idle | peak | idle CPU (one core) | runs Succeeded |"
  echo "|---|---|---|---|---|---|---|---|"
  while IFS=$'\t' read -r name r0 r1 r2 peak cpu ok; do
    extra=$(awk -F'|' -v n="$name" '$1 == n { print $2 ($3 == "" ? "" : " MALLOC_ARENA_MAX=" $3) }' <<< "$VARIANTS")
    echo "| $name | \`${extra:-none}\` | $r0 MiB | $r1 MiB | **$r2 MiB** | $peak MiB | $cpu % | $ok |"
  done < "$FRAG/runs.tsv"
  echo
  echo "### $SESSIONS sessions of one relic each, adopted by a restarted Corral (resync every 30 s, the default)"
  echo
  echo "| variant | start to ready | Docker API calls until all Ready | RSS then | ${IDLE} s later | peak | idle CPU (one core) over the next ${IDLE} s |"
  echo "|---|---|---|---|---|---|---|"
  while IFS=$'\t' read -r name ms calls r1 r2 peak cpu; do
    echo "| $name | $ms ms | $calls | $r1 MiB | **$r2 MiB** | $peak MiB | $cpu % |"
  done < "$FRAG/sessions.tsv"
  echo
  echo "Idle CPU is Corral's with its defaults: the stats sampler (every 10 s, each running container's cgroup"
  echo "files; an idle container's less often, up to every 30 s) and the resync (every 30 s: one list call per resource type)."
  echo
  echo "Targets (#13): ≤ 150 MiB in both states; idle ≤ 1 % of one core at 500 containers."
} > bench/results/footprint.md
cat bench/results/footprint.md >&2
