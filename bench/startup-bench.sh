#!/usr/bin/env bash
# Start-up benchmark (#13: "process start to ready with 10 000 stored specs <= 1 s"). Measures, against the
# packaged application with the reconcile loop off (the store and the API, not the engine), the time from
# starting `java` to the first 200 of /q/health/ready, with an empty store and with 10 000 stored specs,
# for JVM variants side by side, interleaved:
#   plain     deploy/jvm.options alone (CORRAL_CDS=0 deploy/run.sh)
#   cds       the same with the class-data archive deploy/cds.sh makes from a training run, as deploy/run.sh
#             and the image run Corral
#   aot       on a JDK 25 or newer (JAVA_NEW, default: the newest under /usr/lib/jvm), from the AOT cache
#             deploy/cds.sh makes for it (CORRAL_JAVA=... deploy/run.sh); left out when there is none
#
#   bench/startup-bench.sh          # ROUNDS=7 by default; results on stdout and in bench/results/startup.md
#
# Needs: java, curl. Uses port 18081 and a temporary data directory.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT=${PORT:-18081}
ROUNDS=${ROUNDS:-7}
JAR=target/quarkus-app/quarkus-run.jar
[ -f "$JAR" ] || ./mvnw -B -q package -DskipTests
WORK=$(mktemp -d)
BASE_OPTS=$(grep -v '^#' deploy/jvm.options | tr '\n' ' ')
trap 'kill $(cat "$WORK/pid" 2>/dev/null) 2>/dev/null || true; rm -rf "$WORK"' EXIT

# A JDK 25 or newer, if any, and its AOT cache (kept aside: deploy/cds.sh keeps one archive at a time).
JAVA_NEW=${JAVA_NEW:-$(for j in /usr/lib/jvm/*/bin/java; do
  v=$("$j" -XshowSettings:properties -version 2>&1 | awk -F' = ' '/java.specification.version/ {print $2}')
  [ "${v%%.*}" -ge 25 ] 2>/dev/null && echo "${v%%.*} $j"; true; done | sort -n | tail -1 | cut -d' ' -f2)}
if [ -n "$JAVA_NEW" ]; then
  CORRAL_JAVA=$JAVA_NEW deploy/cds.sh >/dev/null
  cp target/quarkus-app/corral.aot "$WORK/corral.aot"
fi
# The archive as deploy/run.sh makes it (a training run against a store of its own).
deploy/cds.sh >/dev/null

# start OPTS DATA [JAVA]: milliseconds from exec to ready, and the RSS at ready (KiB).
start() {
  local t0; t0=$(date +%s%N)
  # shellcheck disable=SC2086 # a list of options
  "${3:-java}" $1 -Dquarkus.http.port=$PORT -Dcorral.data-dir="$2" -Dcorral.reconcile.enabled=false \
    -Dcorral.instance=startbench -jar "$JAR" >>"$WORK/app.log" 2>&1 &
  echo $! > "$WORK/pid"
  until curl -sf "localhost:$PORT/q/health/ready" >/dev/null; do sleep 0.02; done
  local ms=$(( ($(date +%s%N) - t0) / 1000000 ))
  echo "$ms $(awk '/VmRSS/ {print $2}' "/proc/$(cat "$WORK/pid")/status")"
}
stop() { kill "$(cat "$WORK/pid")"; while kill -0 "$(cat "$WORK/pid")" 2>/dev/null; do sleep 0.05; done; }
median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

# 10 000 Relics (100 sessions of 100) stored once, then a clean stop (which folds the log into the snapshot).
start "$BASE_OPTS" "$WORK/full" >/dev/null  # (the store is made without the archive)
for b in $(seq 0 9); do
  awk -v b="$b" 'BEGIN { for (i = 0; i < 1000; i++) {
    printf "---\napiVersion: corral.dev/v1\nkind: Relic\nmetadata:\n  name: relic-%d\n  session: s%d-%d\n  labels: {app: bench}\n", i, b, i % 10
    printf "spec:\n  image: corral/busybox:latest\n  command: [httpd, -f, -p, \"8080\"]\n  port: 8080\n" } }' > "$WORK/b.yaml"
  code=$(curl -s -o /dev/null -w '%{http_code}' -XPUT -H 'Content-Type: application/yaml' --data-binary @"$WORK/b.yaml" "localhost:$PORT/specs")
  [ "$code" = 200 ] || { echo "apply failed: $code"; exit 1; }
done
stop

declare -A ms rss
variants=(plain cds)
[ -n "$JAVA_NEW" ] && variants+=(aot)
opts() { case $1 in plain) echo "$BASE_OPTS" ;; cds) echo "$BASE_OPTS $(cat target/quarkus-app/cds.options)" ;;
  aot) echo "$BASE_OPTS -XX:AOTCache=$WORK/corral.aot" ;; esac; }
jvm() { if [ "$1" = aot ]; then echo "$JAVA_NEW"; else echo java; fi; }
for r in $(seq 1 "$ROUNDS"); do
  for v in "${variants[@]}"; do
    for store in empty full; do
      [ "$store" = empty ] && rm -rf "$WORK/empty"
      read -r t k < <(start "$(opts "$v")" "$WORK/$store" "$(jvm "$v")")
      stop
      ms[$v-$store]+="$t "; rss[$v-$store]+="$k "
    done
  done
done

{
  echo "# Start-up benchmark"
  echo
  echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, $(java -version 2>&1 | head -1). Rerun: \`bench/startup-bench.sh\`."
  echo "Process start to the first 200 of /q/health/ready (the reconcile loop off), median of $ROUNDS interleaved"
  echo "rounds; RSS at that moment. \`plain\`: deploy/jvm.options; \`cds\` (shipped): plus the class-data archive of"
  echo "\`deploy/cds.sh\` (\`CORRAL_CDS=0 deploy/run.sh\` starts without it); \`aot\`: $("$JAVA_NEW" -version 2>&1 | head -1 || true)"
  echo "from the AOT cache \`deploy/cds.sh\` makes for it (\`CORRAL_JAVA=$JAVA_NEW deploy/run.sh\`)."
  echo
  echo "| variant | empty store | 10 000 specs | RSS, 10 000 specs |"
  echo "|---|---|---|---|"
  for v in "${variants[@]}"; do
    e=$(echo "${ms[$v-empty]}" | tr ' ' '\n' | grep . | median)
    f=$(echo "${ms[$v-full]}" | tr ' ' '\n' | grep . | median)
    k=$(echo "${rss[$v-full]}" | tr ' ' '\n' | grep . | median)
    echo "| $v | $e ms | $f ms | $((k / 1024)) MiB |"
  done
  echo
  echo "Samples (ms): $(for v in "${variants[@]}"; do echo -n "$v empty: ${ms[$v-empty]}; $v 10 000: ${ms[$v-full]}; "; done)"
} | tee bench/results/startup.md
