# Helpers the benchmarks share; sourced by bench/*-bench.sh after they set:
#   WORK      a scratch directory (Corral's log goes to $WORK/corral.log)
#   JAR       the packaged application
#   INSTANCE  the corral.instance of the Corral under test
# CORRAL_PID and PORT are set by start_corral.

log() { echo "[$(date +%H:%M:%S)] $*" >&2; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
# The JVM options Corral runs with in production (deploy/jvm.options), unless JAVA_OPTS says otherwise:
# a benchmark measures what users run.
JAVA_OPTS=${JAVA_OPTS:-$(grep -v '^#' deploy/jvm.options | tr '\n' ' ')}
export MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-2}   # as deploy/run.sh
# ensure_jar [FILE...]: packages the application (MVN_ARGS, e.g. -o) unless $JAR and every FILE exist
# and are newer than the sources
ensure_jar() {
  local f missing=
  for f in "$JAR" "$@"; do [ -f "$f" ] || missing=1; done
  if [ -n "$missing" ] || [ -n "$(find src pom.xml -type f -newer "$JAR" -print -quit 2>/dev/null)" ]; then
    log "building (./mvnw ${MVN_ARGS:-} -q -B package -DskipTests)"
    # shellcheck disable=SC2086 # MVN_ARGS is a list of arguments
    ./mvnw ${MVN_ARGS:-} -q -B package -DskipTests
  fi
}
# ensure_images IMAGE...: builds Corral's images (deploy/images/build.sh) when one of them is missing
ensure_images() {
  local img
  for img in "$@"; do
    docker image inspect "$img" >/dev/null 2>&1 || { log "building images"; deploy/images/build.sh; return; }
  done
}
# What a process costs: rss and hwm (its peak) of Corral in MiB; cpu_ticks PID, utime + stime in clock ticks.
rss() { awk '/^VmRSS/ { printf "%.0f", $2 / 1024 }' "/proc/$CORRAL_PID/status"; }
hwm() { awk '/^VmHWM/ { printf "%.0f", $2 / 1024 }' "/proc/$CORRAL_PID/status"; }
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

rm_label() { # remove containers (and their anonymous volumes), then networks, carrying label $1
  docker ps -aq --filter "label=$1" | xargs -r docker rm -f -v >/dev/null 2>&1 || true   # "already in progress" is fine
  [ -z "$(docker network ls -q --filter "label=$1")" ] && return 0
  # the engine may still be tearing down an endpoint of a just-removed container: retry
  for _ in 1 2 3 4 5; do
    docker network ls -q --filter "label=$1" | xargs -r docker network rm >/dev/null 2>&1 && return 0
    sleep 1
  done
  # Docker 20.10 sometimes keeps a stale endpoint after a burst of removals ("has active endpoints"
  # with no container attached); such a network is left for the engine and reported, not fatal.
  log "left behind (stale endpoints): $(docker network ls --filter "label=$1" --format '{{.Name}}' | tr '\n' ' ')"
}

# start_corral DATA_DIR [extra -D...]: starts Corral on a free port, waits until it is ready
start_corral() {
  local data=$1; shift
  PORT=$(free_port)
  echo "=== start $(date +%H:%M:%S) $*" >>"$WORK/corral.log"
  # shellcheck disable=SC2086 # JAVA_OPTS is a list of options
  java $JAVA_OPTS -Dcorral.data-dir="$data" -Dcorral.instance="$INSTANCE" -Dquarkus.http.port="$PORT" "$@" \
    -jar "$JAR" >>"$WORK/corral.log" 2>&1 &
  CORRAL_PID=$!
  for _ in $(seq 600); do
    curl -sf "localhost:$PORT/q/health/ready" >/dev/null && return 0
    kill -0 "$CORRAL_PID" 2>/dev/null || { log "Corral died at start-up"; tail -30 "$WORK/corral.log" >&2; exit 1; }
    sleep 0.05
  done
  log "Corral not ready after 30 s"; exit 1
}

stop_corral() {
  if [ -n "${CORRAL_PID:-}" ] && kill -0 "$CORRAL_PID" 2>/dev/null; then
    kill "$CORRAL_PID"
    for _ in $(seq 200); do kill -0 "$CORRAL_PID" 2>/dev/null || break; sleep 0.05; done
    kill -9 "$CORRAL_PID" 2>/dev/null || true
  fi
  CORRAL_PID=
}
