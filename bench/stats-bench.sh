#!/usr/bin/env bash
# Stats benchmark (issue: "See everything it runs"): what sampling every managed container costs.
# Corral converges N relics (50 sessions x 10 by default), then is restarted on the same data (it
# adopts the containers) three times, each time measured over WINDOW seconds while idle:
#   off      corral.stats.enabled=false                       (the baseline: an idle Corral)
#   cgroup   corral.stats.source=cgroup, interval 10 s        (the kernel's files; Corral on the host)
#   engine   corral.stats.source=engine, interval 10 s        (the engine's one-shot stats API; Corral
#                                                              in a container)
# and reports, for each, the CPU of Corral and of dockerd (utime+stime from /proc/<pid>/stat) as a
# percentage of one core. The cost of stats is a variant's CPU minus off's. Target: refreshing 500
# containers every 10 s costs at most 5 % of one core (Corral + dockerd). The variants are
# interleaved ROUNDS times (off, cgroup, engine, off, ...) so drift in the machine's load hits all alike;
# medians are reported. It also checks that every variant with stats saw all N containers.
#
#   bench/stats-bench.sh                          # results on stdout and in bench/results/stats.md
#   SESSIONS=10 PER_SESSION=10 ROUNDS=1 bench/stats-bench.sh   # quicker
#
# Needs: java 17, curl, jq, docker (image corral/busybox:latest: deploy/images/build.sh); runs as
# root (it reads dockerd's /proc entry). Uses instance statsbench and subnets 10.218/16.
set -euo pipefail
cd "$(dirname "$0")/.."
SESSIONS=${SESSIONS:-50}
PER_SESSION=${PER_SESSION:-10}
ROUNDS=${ROUNDS:-3}
WINDOW=${WINDOW:-60}
N=$((SESSIONS * PER_SESSION))
JAR=target/quarkus-app/quarkus-run.jar
[ -f "$JAR" ] || ./mvnw -B -q ${MVN_ARGS:-} package -DskipTests
WORK=$(mktemp -d /tmp/corral-stats-bench.XXXXXX)
INSTANCE=statsbench
# shellcheck source=bench/lib.sh
source bench/lib.sh
trap 'stop_corral; rm_label corral.dev/instance=$INSTANCE; rm -rf "$WORK"' EXIT

specs() {
  awk -v S="$SESSIONS" -v R="$PER_SESSION" 'BEGIN {
    for (s = 0; s < S; s++) printf "---\napiVersion: corral.dev/v1\nkind: Session\nmetadata: {name: t%d}\n", s
    for (s = 0; s < S; s++) for (r = 0; r < R; r++) {
      printf "---\napiVersion: corral.dev/v1\nkind: Relic\nmetadata: {name: r%d, session: t%d}\n", r, s
      printf "spec:\n  image: corral/busybox:latest\n  command: [httpd, -f, -p, \"8080\", -h, /www]\n"
      printf "  resources: {memoryMb: 32, cpus: 0.2, pids: 32}\n" } }'
}
HZ=$(getconf CLK_TCK)
pct() { awk -v a="$1" -v b="$2" -v hz="$HZ" -v w="$WINDOW" 'BEGIN { printf "%.2f", (b - a) / hz / w * 100 }'; }
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
DOCKERD=$(pgrep -xo dockerd)

rm_label "corral.dev/instance=$INSTANCE"
log "converging $N relics in $SESSIONS sessions"
specs > "$WORK/specs.yaml"
start_corral "$WORK/data" -Dcorral.network.pool=10.218.0.0/16 -Dcorral.stats.enabled=false
curl -sf -o "$WORK/reply.json" -XPUT -H 'Content-Type: application/yaml' --data-binary @"$WORK/specs.yaml" \
  "localhost:$PORT/specs?wait=true&timeout=600s"
ready=$(jq '[.results[] | select(.outcome == "Ready")] | length' "$WORK/reply.json")
[ "$ready" = $((N + SESSIONS)) ] || { log "only $ready of $((N + SESSIONS)) Ready"; exit 1; }

declare -A corral dockerd seen
for round in $(seq "$ROUNDS"); do
  for variant in off cgroup engine; do
    stop_corral
    case $variant in
      off) opts=(-Dcorral.stats.enabled=false) ;;
      *) opts=(-Dcorral.stats.source="$variant" -Dcorral.stats.interval=10s) ;;
    esac
    start_corral "$WORK/data" -Dcorral.network.pool=10.218.0.0/16 "${opts[@]}"
    # The start-up resync re-reads every container; wait until the picture is complete and, with
    # stats, until a first full sample is in (cgroup: it also looked each container's pid up once).
    for _ in $(seq 600); do
      if [ "$variant" = off ]; then
        [ "$(curl -s "localhost:$PORT/specs?kind=relic" | jq '[.items[] | select(.status.phase == "Ready")] | length')" = "$N" ] && break
      else
        [ "$(curl -s "localhost:$PORT/stats" | jq '.items | length')" = "$N" ] && break
      fi
      sleep 0.5
    done
    sleep 12   # past the first scheduled sample after start-up, into the steady beat
    c0=$(cpu_ticks "$CORRAL_PID"); d0=$(cpu_ticks "$DOCKERD")
    sleep "$WINDOW"
    c1=$(cpu_ticks "$CORRAL_PID"); d1=$(cpu_ticks "$DOCKERD")
    corral[$variant]+=" $(pct "$c0" "$c1")"; dockerd[$variant]+=" $(pct "$d0" "$d1")"
    [ "$variant" = off ] || seen[$variant]+=" $(curl -s "localhost:$PORT/stats" | jq '.items | length')"
    log "round $round $variant: Corral ${corral[$variant]} dockerd ${dockerd[$variant]} (% of a core)"
  done
done

off_c=$(echo "${corral[off]}" | median); off_d=$(echo "${dockerd[off]}" | median)
{
  echo "Stats benchmark, $(date +%F), $(nproc) cores, $(java -version 2>&1 | head -1), Docker $(docker version -f '{{.Server.Version}}'), cgroup v$(docker info -f '{{.CgroupVersion}}')"
  echo
  echo "$N idle relics ($SESSIONS sessions x $PER_SESSION, busybox httpd), sampled every 10 s; CPU over ${WINDOW} s windows,"
  echo "median of $ROUNDS interleaved rounds, in % of one core. Stats cost = the variant minus \`off\`."
  echo
  echo "| variant | Corral | dockerd | stats cost (Corral + dockerd) | containers in GET /stats | target |"
  echo "|---|---|---|---|---|---|"
  echo "| off (baseline) | $off_c % | $off_d % | - | - | |"
  for v in cgroup engine; do
    c=$(echo "${corral[$v]}" | median); d=$(echo "${dockerd[$v]}" | median)
    cost=$(awk -v c="$c" -v d="$d" -v oc="$off_c" -v od="$off_d" 'BEGIN { printf "%.2f", (c - oc) + (d - od) }')
    echo "| $v | $c % | $d % | **$cost %** | $(echo "${seen[$v]}" | xargs) | <= 5 % |"
  done
  echo
  echo "Samples per round (Corral / dockerd): off ${corral[off]} / ${dockerd[off]}; cgroup ${corral[cgroup]} / ${dockerd[cgroup]}; engine ${corral[engine]} / ${dockerd[engine]}."
} | tee bench/results/stats.md
