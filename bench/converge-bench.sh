#!/usr/bin/env bash
# Converge benchmark: how fast Corral brings relics up from nothing, compared with the floor
# (a bare docker-java program doing the same engine calls) and with docker-compose; what an idle
# Corral costs at 500 containers; how fast it restarts a killed relic. Parts:
#   100      10 sessions x 10 relics from empty: floor (parallelism 8/16/32, best reported),
#            docker-compose 1.29 `up -d`, Corral `PUT /specs?wait=true`       target Corral/floor <= 1.15
#   500      50 sessions x 10 relics from empty: floor (best parallelism of part 100, or 16) and Corral
#            (compose 1.29 hangs at ~200 services, so it is left out)
#   idle     Corral holding the 500 relics (resync every 10 s): Docker API calls per resync by
#            operation (expect 1 list call per type and nothing per object) and CPU over 30 s idle
#   sessions SESSIONS (default 1 000) sessions of one relic each from empty (#14, "scale on one engine"):
#            floor (parallelism 16) and Corral, then Corral tearing them all down (DELETE of every
#            session, in 16 parallel requests) until none of their containers and networks is left
#   restart  `docker kill` of a Ready relic until `docker inspect` shows it running again
#            (10 relics, each killed once: Corral's first restart is immediate, later ones back off),
#            against Docker's own `--restart always` on a plain `docker run` container
#
#   bench/converge-bench.sh                      # all parts; results in bench/results/converge.md
#   PARTS="100 restart" bench/converge-bench.sh  # some parts; the others keep their last figures
#   ROUNDS=5 ROUNDS_500=3 bench/converge-bench.sh
#   MVN_ARGS=-o bench/converge-bench.sh          # build offline
#
# Needs: java 17, curl, jq, docker (the engine answering, image corral/busybox:latest: see
# deploy/images/build.sh), docker-compose for part 100 (installed with apt-get if missing).
# Uses subnets 10.215/16 (Corral), 10.216/16 (floor), 10.217/16 (compose), labels
# corral.dev/instance=bench, corral.bench/variant=floor|restart-ref and compose project
# corralbench; removes all of them between rounds and at the end. Other Corral instances' and
# other projects' containers are left alone.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
PARTS=${PARTS:-100 500 idle restart}
ROUNDS=${ROUNDS:-3}
ROUNDS_500=${ROUNDS_500:-3}
COMPOSE_ROUNDS=${COMPOSE_ROUNDS:-1}      # docker-compose 1.29 hangs on this engine: bounded, and once by default
COMPOSE_TIMEOUT=${COMPOSE_TIMEOUT:-120}
PARALLELISMS=${PARALLELISMS:-8 16 32}
MVN_ARGS=${MVN_ARGS:-}
IMAGE=corral/busybox:latest
JAR=target/quarkus-app/quarkus-run.jar
FRAG=bench/results/converge.d          # one fragment per part; converge.md is assembled from them
mkdir -p "$FRAG"
WORK=$(mktemp -d /tmp/corral-converge.XXXXXX)
CORRAL_PID=

INSTANCE=bench
# shellcheck source=bench/lib.sh
. bench/lib.sh

# ---- build ----
ensure_jar target/test-classes/dev/corral/bench/FloorBench.class
CP="target/test-classes:target/quarkus-app/lib/main/*"
ensure_images "$IMAGE"

# ---- helpers ----
median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
maxof() { sort -n | tail -1; }
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

clean_all() {
  stop_corral
  rm_label corral.dev/instance=bench
  rm_label corral.bench/variant=floor
  rm_label corral.bench/variant=restart-ref
  if command -v docker-compose >/dev/null && [ -f "$WORK/compose.yml" ]; then
    docker-compose -p corralbench -f "$WORK/compose.yml" down --remove-orphans -t 0 >/dev/null 2>&1 || true
  fi
  rm_label com.docker.compose.project=corralbench
}
trap 'clean_all; cp "$WORK/corral.log" /tmp/corral-converge-last.log 2>/dev/null || true; rm -rf "$WORK"' EXIT

# specs SESSIONS PER_SESSION: the Sessions and Relics Corral is given
specs() {
  awk -v S="$1" -v R="$2" 'BEGIN {
    for (s = 0; s < S; s++) printf "---\napiVersion: corral.dev/v1\nkind: Session\nmetadata: {name: b%d}\n", s
    for (s = 0; s < S; s++) for (r = 0; r < R; r++) {
      printf "---\napiVersion: corral.dev/v1\nkind: Relic\nmetadata: {name: r%d, session: b%d}\n", r, s
      printf "spec:\n  image: corral/busybox:latest\n  command: [httpd, -f, -p, \"8080\", -h, /www]\n  port: 8080\n"
      printf "  resources: {memoryMb: 32, cpus: 0.2, pids: 32}\n" } }'
}

# corral_put FILE EXPECTED: PUT ?wait=true, prints ms; fails unless EXPECTED results are Ready
corral_put() {
  local t0 t1 ready
  t0=$(now_ms)
  curl -s -o "$WORK/reply.json" -XPUT -H 'Content-Type: application/yaml' --data-binary @"$1" \
    "localhost:$PORT/specs?wait=true&timeout=${WAIT_TIMEOUT:-10m}"
  t1=$(now_ms)
  ready=$(jq '[.results[]? | select(.outcome == "Ready")] | length' "$WORK/reply.json" 2>/dev/null || echo 0)
  if [ "$ready" != "$2" ]; then
    log "Corral: $ready of $2 Ready; reply: $(head -c 600 "$WORK/reply.json")"
    jq -c '[.results[]? | select(.outcome != "Ready") | {name, session, outcome, status}] | .[:5]' "$WORK/reply.json" >&2 || true
    grep -E 'WARN|ERROR' "$WORK/corral.log" | tail -20 >&2 || true
    return 1
  fi
  echo $((t1 - t0))
}

# corral_round SESSIONS PER_SESSION [keep]: one Corral converge from empty, sets MS (not run in a
# subshell: the Corral process it starts must stay known to this shell)
corral_round() {
  local n=$(( $1 * $2 + $1 )) ms
  rm -rf "$WORK/data"
  specs "$1" "$2" > "$WORK/specs.yaml"
  start_corral "$WORK/data" -Dcorral.network.pool=10.215.0.0/16
  ms=$(corral_put "$WORK/specs.yaml" "$n") || exit 1
  local running
  running=$(docker ps -q --filter label=corral.dev/instance=bench --filter label=corral.dev/kind=Relic | wc -l)
  [ "$running" = $(( $1 * $2 )) ] || { log "Corral answered Ready but $running containers run"; exit 1; }
  [ "${3:-}" = keep ] || { stop_corral; rm_label corral.dev/instance=bench; }
  MS=$ms
}

floor_round() { # SESSIONS PER_SESSION PARALLELISM: prints ms
  local out
  out=$(java -cp "$CP" dev.corral.bench.FloorBench "$1" "$2" "$3" 10.216 2>>"$WORK/floor.err")
  local running
  running=$(docker ps -q --filter label=corral.bench/variant=floor | wc -l)
  [ "$running" = $(( $1 * $2 )) ] || { log "floor: $running containers run"; exit 1; }
  rm_label corral.bench/variant=floor
  echo "$out" | sed 's/.*total_ms=//'
}

compose_file() { # SESSIONS PER_SESSION
  awk -v S="$1" -v R="$2" 'BEGIN {
    print "version: \"2.4\"\nservices:"
    for (s = 0; s < S; s++) for (r = 0; r < R; r++) {
      printf "  s%d-r%d:\n    image: corral/busybox:latest\n    command: [httpd, -f, -p, \"8080\", -h, /www]\n", s, r
      printf "    mem_limit: 32m\n    memswap_limit: 32m\n    cpus: 0.2\n    pids_limit: 32\n"
      printf "    networks:\n      s%d:\n        aliases: [r%d]\n", s, r }
    print "networks:"
    for (s = 0; s < S; s++) printf "  s%d:\n    internal: true\n    ipam:\n      config: [{subnet: 10.217.%d.%d/26}]\n", s, int(s * 64 / 256), (s * 64) % 256
  }'
}
compose_round() { # SESSIONS PER_SESSION: prints ms, or "hung:<running>" after COMPOSE_TIMEOUT s
  compose_file "$1" "$2" > "$WORK/compose.yml"
  local t0 t1 running rc=0
  t0=$(now_ms)
  timeout "$COMPOSE_TIMEOUT" docker-compose -p corralbench -f "$WORK/compose.yml" up -d >>"$WORK/compose.log" 2>&1 || rc=$?
  t1=$(now_ms)
  running=$(docker ps -q --filter label=com.docker.compose.project=corralbench | wc -l)
  timeout 60 docker-compose -p corralbench -f "$WORK/compose.yml" down -t 0 >>"$WORK/compose.log" 2>&1 || true
  rm_label com.docker.compose.project=corralbench
  if [ "$rc" != 0 ] || [ "$running" != $(( $1 * $2 )) ]; then echo "hung:$running"; else echo $((t1 - t0)); fi
}

fmt_s() { awk -v m="$1" 'BEGIN { printf "%.2f s", m / 1000 }'; }

# ---- part 100 ----
part_100() {
  command -v docker-compose >/dev/null || { log "installing docker-compose"; apt-get install -y docker-compose >/dev/null; }
  declare -A floor
  local compose=() corral=()
  for round in $(seq "$ROUNDS"); do
    for p in $PARALLELISMS; do
      floor[$p]+="$(floor_round 10 10 "$p") "
      log "100 round $round: floor p=$p ${floor[$p]}"
    done
    if [ "$round" -le "$COMPOSE_ROUNDS" ]; then
      compose+=("$(compose_round 10 10)"); log "100 round $round: compose ${compose[*]}"
    fi
    corral_round 10 10; corral+=("$MS"); log "100 round $round: corral ${corral[*]}"
  done
  local best_p= best_ms= rows=""
  for p in $PARALLELISMS; do
    local m; m=$(printf '%s\n' ${floor[$p]} | median)
    rows+="| floor, parallelism $p | $(fmt_s "$m") | ${floor[$p]% }|"$'\n'
    if [ -z "$best_ms" ] || [ "$m" -lt "$best_ms" ]; then best_ms=$m; best_p=$p; fi
  done
  echo "$best_p" > "$FRAG/best-parallelism"
  local cm km compose_ok compose_row compose_ratio
  compose_ok=$(printf '%s\n' "${compose[@]}" | grep -v hung || true)
  km=$(printf '%s\n' "${corral[@]}" | median)
  if [ -n "$compose_ok" ] && ! printf '%s\n' "${compose[@]}" | grep -q hung; then
    cm=$(echo "$compose_ok" | median)
    compose_row="| docker-compose 1.29 \`up -d\` | $(fmt_s "$cm") | ${compose[*]} |"
    compose_ratio=$(ratio "$km" "$cm")
  else
    compose_row="| docker-compose 1.29 \`up -d\` | did not finish in ${COMPOSE_TIMEOUT} s | ${compose[*]} (hung:N = N of 100 running when stopped) |"
    compose_ratio="n/a (compose hung)"
  fi
  {
    echo "### 100 relics in 10 sessions, from empty (median of $ROUNDS rounds; compose: $COMPOSE_ROUNDS)"
    echo
    echo "| variant | median | rounds (ms) |"
    echo "|---|---|---|"
    printf '%s' "$rows"
    echo "$compose_row"
    echo "| Corral \`PUT /specs?wait=true\` until all Ready | $(fmt_s "$km") | ${corral[*]} |"
    echo
    echo "| ratio | value | target |"
    echo "|---|---|---|"
    echo "| Corral / floor (best: parallelism $best_p) | $(ratio "$km" "$best_ms") | ≤ 1.15 |"
    echo "| Corral / docker-compose | $compose_ratio | |"
  } > "$FRAG/100.md"
  cat "$FRAG/100.md" >&2
}

# ---- part 500 (and idle, on the last round's containers) ----
part_500() {
  local p; p=$(cat "$FRAG/best-parallelism" 2>/dev/null || echo 16)
  local floor=() corral=() keep=
  for round in $(seq "$ROUNDS_500"); do
    floor+=("$(floor_round 50 10 "$p")"); log "500 round $round: floor p=$p ${floor[*]}"
    keep=; [ "$round" = "$ROUNDS_500" ] && [[ " $PARTS " == *" idle "* ]] && keep=keep
    corral_round 50 10 $keep; corral+=("$MS"); log "500 round $round: corral ${corral[*]}"
  done
  local fm km
  fm=$(printf '%s\n' "${floor[@]}" | median)
  km=$(printf '%s\n' "${corral[@]}" | median)
  {
    echo "### 500 relics in 50 sessions, from empty (median of $ROUNDS_500 rounds)"
    echo
    echo "| variant | median | rounds (ms) |"
    echo "|---|---|---|"
    echo "| floor, parallelism $p | $(fmt_s "$fm") | ${floor[*]} |"
    echo "| Corral \`PUT /specs?wait=true\` until all Ready | $(fmt_s "$km") | ${corral[*]} |"
    echo "| docker-compose 1.29 | not run: hangs at ~200 services | |"
    echo
    echo "Corral / floor: **$(ratio "$km" "$fm")** (target ≤ 1.15)"
  } > "$FRAG/500.md"
  cat "$FRAG/500.md" >&2
}

# ---- part sessions: many one-relic sessions, converged and torn down ----
part_sessions() {
  local n=${SESSIONS:-1000} p=16 fm km t0 td left
  fm=$(floor_round "$n" 1 "$p"); log "sessions: floor p=$p $fm ms"
  corral_round "$n" 1 keep; km=$MS; log "sessions: corral $km ms"
  t0=$(now_ms)
  seq 0 $((n - 1)) | xargs -P 16 -I{} curl -s -o /dev/null -XDELETE "localhost:$PORT/specs/session/b{}"
  until [ -z "$(docker ps -aq --filter label=corral.dev/instance=bench)" ] \
        && [ -z "$(docker network ls -q --filter label=corral.dev/instance=bench)" ]; do sleep 0.5; done
  td=$(( $(now_ms) - t0 ))
  left=$(curl -s "localhost:$PORT/specs" | jq '.items | length')
  log "sessions: torn down in $td ms, $left objects left in the store"
  stop_corral
  {
    echo "### $n sessions of one relic each, from empty, then torn down (one round)"
    echo
    echo "| variant | time |"
    echo "|---|---|"
    echo "| floor, parallelism $p: $n networks, then $n containers | $(fmt_s "$fm") |"
    echo "| Corral \`PUT /specs?wait=true\` until all Ready | $(fmt_s "$km") |"
    echo "| Corral: DELETE of every session (16 at a time) until no container or network of them is left | $(fmt_s "$td") ($left objects left in the store) |"
    echo
    echo "Corral / floor: **$(ratio "$km" "$fm")**"
  } > "$FRAG/sessions.md"
  cat "$FRAG/sessions.md" >&2
}

api_counts() { # prints "operation count" for every corral_docker_api_seconds_count series
  curl -s "localhost:$PORT/q/metrics" | awk -F'[{}]' '/^corral_docker_api_seconds_count\{/ {
    match($2, /operation="[^"]*"/); op = substr($2, RSTART + 11, RLENGTH - 12); split($3, v, " "); print op, v[1] }' | sort
}

part_idle() {
  local n=500 window=30
  if [ "$(docker ps -q --filter label=corral.dev/instance=bench --filter label=corral.dev/kind=Relic | wc -l)" != $n ]; then
    log "idle: converging 500 relics first"
    corral_round 50 10 keep
  fi
  # Same data and containers, Corral restarted with a 10 s resync.
  stop_corral
  start_corral "$WORK/data" -Dcorral.network.pool=10.215.0.0/16 -Dcorral.reconcile.resync-interval=10s
  specs 50 10 > "$WORK/specs.yaml"
  corral_put "$WORK/specs.yaml" 550 >/dev/null
  sleep 15   # let the start-up resync's reconciles and the first scheduled resyncs pass
  api_counts > "$WORK/before"
  local c0; c0=$(cpu_ticks "$CORRAL_PID")
  sleep "$window"
  local c1; c1=$(cpu_ticks "$CORRAL_PID")
  api_counts > "$WORK/after"
  local hz; hz=$(getconf CLK_TCK)
  join -a2 -e 0 -o 0,1.2,2.2 "$WORK/before" "$WORK/after" | awk '{ print $1, $3 - $2 }' > "$WORK/delta"
  local resyncs; resyncs=$(awk '$1 == "list_containers" { print $2 }' "$WORK/delta")
  [ -n "$resyncs" ] && [ "$resyncs" != 0 ] || resyncs=1
  {
    echo "### Idle at 500 relics (resync every 10 s, ${window} s window: $resyncs resyncs)"
    echo
    echo "| Docker API operation | calls in window | per resync | expected |"
    echo "|---|---|---|---|"
    awk -v r="$resyncs" '$2 > 0 { want = ($1 ~ /^list_/) ? "1" : "0"; printf "| %s | %d | %.1f | %s |\n", $1, $2, $2 / r, want }' "$WORK/delta"
    awk '$2 > 0 && $1 !~ /^list_/ { bad = 1 } END { if (!bad) print "| any other operation | 0 | 0 | 0 |" }' "$WORK/delta"
    echo
    echo "Corral CPU while idle: $(awk -v a="$c0" -v b="$c1" -v hz="$hz" -v w="$window" 'BEGIN { printf "%.2f%% of one core", (b - a) / hz / w * 100 }') (utime+stime over ${window} s); RSS $(awk '/VmRSS/ { printf "%d MiB", $2 / 1024 }' "/proc/$CORRAL_PID/status")."
  } > "$FRAG/idle.md"
  cat "$FRAG/idle.md" >&2
  stop_corral
  rm_label corral.dev/instance=bench
}

# ---- part restart ----
# wait_restarted NAME OLD_STARTED_AT: polls docker inspect every 10 ms until a new run is up; prints ms
poll_restart() {
  local name=$1 old=$2 t0=$3 state
  for _ in $(seq 300); do
    state=$(docker inspect -f '{{.State.Running}} {{.State.StartedAt}}' "$name" 2>/dev/null || true)
    if [ "${state%% *}" = true ] && [ "${state#* }" != "$old" ]; then echo $(( $(now_ms) - t0 )); return; fi
    sleep 0.01
  done
  echo "timeout"
}
kill_rounds() { # HOW NAME...: kills each once (HOW: docker = `docker kill`, pid = SIGKILL to its process), prints ms per kill
  local how=$1 name old t0; shift
  for name in "$@"; do
    old=$(docker inspect -f '{{.State.StartedAt}}' "$name")
    sleep 0.5
    if [ "$how" = docker ]; then docker kill "$name" >/dev/null; else kill -9 "$(docker inspect -f '{{.State.Pid}}' "$name")"; fi
    t0=$(now_ms)
    poll_restart "$name" "$old" "$t0"
  done
}
part_restart() {
  local n=10 names=() ref=()
  rm -rf "$WORK/data"
  specs 1 "$n" > "$WORK/specs.yaml"
  start_corral "$WORK/data" -Dcorral.network.pool=10.215.0.0/16
  corral_put "$WORK/specs.yaml" $((n + 1)) >/dev/null
  for r in $(seq 0 $((n - 1))); do names+=("corral-relic-b0-r$r"); done
  mapfile -t corral < <(kill_rounds docker "${names[@]}")
  local restarts
  restarts=$(curl -s "localhost:$PORT/q/metrics" | awk '/^corral_container_restarts_total/ { s += $NF } END { print s + 0 }')
  stop_corral; rm_label corral.dev/instance=bench

  for r in $(seq 0 $((n - 1))); do
    docker run -d --name "restart-ref-$r" --label corral.bench/variant=restart-ref --restart always \
      --memory 32m --memory-swap 32m --cpus 0.2 --pids-limit 32 "$IMAGE" httpd -f -p 8080 -h /www >/dev/null
    ref+=("restart-ref-$r")
  done
  sleep 1
  mapfile -t docker_ref < <(kill_rounds pid "${ref[@]}")
  rm_label corral.bench/variant=restart-ref

  # what one poll costs (the resolution of the measure)
  docker run -d --name restart-ref-probe --label corral.bench/variant=restart-ref "$IMAGE" sleep 60 >/dev/null
  local t0 t1; t0=$(now_ms)
  for _ in $(seq 20); do docker inspect -f '{{.State.Running}}' restart-ref-probe >/dev/null; done
  t1=$(now_ms)
  rm_label corral.bench/variant=restart-ref
  {
    echo "### Restart after \`docker kill\` ($n containers, each killed once; poll every 10 ms)"
    echo
    echo "| restarted by | median | max | each (ms) |"
    echo "|---|---|---|---|"
    echo "| Corral (relic, restartPolicy Always) | $(printf '%s\n' "${corral[@]}" | median) ms | $(printf '%s\n' "${corral[@]}" | maxof) ms | ${corral[*]} |"
    echo "| Docker \`--restart always\` (plain \`docker run\`), process SIGKILLed from the host | $(printf '%s\n' "${docker_ref[@]}" | median) ms | $(printf '%s\n' "${docker_ref[@]}" | maxof) ms | ${docker_ref[*]} |"
    echo
    echo "Corral counted $restarts restarts (corral_container_restarts_total). One \`docker inspect\` poll costs $(( (t1 - t0) / 20 )) ms here, so each figure is a few tens of ms coarse; time runs from the kill returning. Docker does not restart a \`--restart always\` container after \`docker kill\` (it counts as stopped by hand), so its reference kills the container's process instead (\`kill -9 <State.Pid>\`); its restart manager restarts at once the first time (then backs off from 100 ms, doubling, for runs shorter than 10 s)."
  } > "$FRAG/restart.md"
  cat "$FRAG/restart.md" >&2
}

# ---- run ----
clean_all
for part in $PARTS; do
  log "part $part"
  "part_$part"
done
clean_all

{
  echo "# Converge benchmark"
  echo
  echo "Last run: parts $PARTS, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')), $(free -g | awk '/Mem:/ { print $2 }') GiB RAM,"
  echo "Docker engine $(docker version --format '{{.Server.Version}}') ($(docker info --format '{{.Driver}}, cgroup {{.CgroupVersion}}' 2>/dev/null)),"
  echo "docker-compose $(docker-compose version --short 2>/dev/null || echo 'not installed'), $(java -version 2>&1 | head -1)."
  echo "Rerun: \`bench/converge-bench.sh\` (all parts, ~30 min on 2 cores) or \`PARTS=\"100 restart\" bench/converge-bench.sh\`;"
  echo "the script builds what it needs and cleans up after itself. Parts not rerun keep their last figures (bench/results/converge.d/)."
  echo
  echo "Every variant starts from an engine without any of its containers or networks and is timed until all"
  echo "containers run: the floor (src/test/java/dev/corral/bench/FloorBench.java) is docker-java alone — create"
  echo "the session networks in parallel, then create+start every container at a fixed parallelism — timed"
  echo "inside its JVM after a warm-up call; compose is \`docker-compose up -d\`; Corral is a fresh process per"
  echo "round, timed from sending \`PUT /specs?wait=true\` to its answer with every Session and Relic Ready."
  echo "All create internal bridge networks with a /26 each and the same containers (corral/busybox httpd,"
  echo "32 MiB memory and swap, 0.2 CPU, 32 pids, network alias)."
  echo
  for f in 100 500 sessions idle restart notes; do
    [ -f "$FRAG/$f.md" ] && { cat "$FRAG/$f.md"; echo; }
  done
} > bench/results/converge.md
log "wrote bench/results/converge.md"
cat bench/results/converge.md
