#!/bin/sh
# Entry point of Corral's container image (Dockerfile.jvm, Dockerfile.native). It keeps root only
# as long as it must: it finds the group that owns the engine's socket, makes the data directory
# Corral's, and then runs Corral as user corral (uid 1000) with that group as its only
# supplementary group, no capabilities it could inherit or regain (setpriv --inh-caps=-all
# --no-new-privs). Started as another user (docker run --user), it changes nothing and runs Corral.
#
#   docker run [-v /var/run/docker.sock:/var/run/docker.sock] [JVM options such as -Dcorral.instance=x]
#   docker run corral/corral bash     # any other command runs instead of Corral, as corral too
#
# Environment: CORRAL_DATA_DIR (the image sets /var/lib/corral), CORRAL_SPECS_DIR (default /specs
# when that directory exists), CORRAL_DOCKER_HOST or DOCKER_HOST (unix:///var/run/docker.sock),
# JAVA_OPTS (default: the serial collector and a capped heap, as deploy/run.sh, the cap lowered to
# 60% of the container's memory limit when it has one).
set -eu

log() { printf 'corral-entrypoint: %s\n' "$*" >&2; }

# The specs directory: /specs when one is mounted.
if [ -z "${CORRAL_SPECS_DIR:-}" ] && [ -d /specs ]; then
  export CORRAL_SPECS_DIR=/specs
fi

# What runs: Corral (its arguments are JVM options, as with deploy/run.sh), or the command given.
if [ $# -eq 0 ] || [ "${1#-}" != "$1" ]; then
  if [ -f /deployments/quarkus-run.jar ]; then
    if [ -z "${JAVA_OPTS+set}" ]; then
      # deploy/jvm.options (as deploy/run.sh): a capped heap with the serial collector, which gives freed
      # memory back; the cap lowered to 60 % of a smaller container memory limit.
      heap=512
      limit=$(cat /sys/fs/cgroup/memory.max 2>/dev/null || cat /sys/fs/cgroup/memory/memory.limit_in_bytes 2>/dev/null || echo max)
      case "$limit" in
        ''|max|*[!0-9]*) ;;
        *) [ "$limit" -ge 1099511627776 ] || { l=$((limit * 6 / 10 / 1048576)); [ "$l" -ge "$heap" ] || heap=$l; } ;;
      esac
      [ "$heap" -ge 64 ] || heap=64
      JAVA_OPTS=$(grep -v '^#' /deployments/jvm.options | sed "s/^-Xmx.*/-Xmx${heap}m/" | tr '\n' ' ')
      # The class-data archive made when the image was built (Dockerfile.jvm): a shorter start.
      if [ -s /deployments/corral.jsa ]; then
        JAVA_OPTS="$JAVA_OPTS -XX:SharedArchiveFile=/deployments/corral.jsa -Xshare:auto"
      fi
    fi
    # Two malloc arenas, not glibc's eight per core (deploy/run.sh says why).
    export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}"
    # shellcheck disable=SC2086 # JAVA_OPTS is a list of options
    set -- java $JAVA_OPTS "$@" -jar /deployments/quarkus-run.jar
  else
    set -- /deployments/corral "$@"
  fi
fi

if [ "$(id -u)" != 0 ]; then
  exec "$@"
fi

# The engine's socket: Corral needs its group (read and write), nothing more.
host=${CORRAL_DOCKER_HOST:-${DOCKER_HOST:-unix:///var/run/docker.sock}}
groups=--clear-groups
case "$host" in
  unix://*)
    socket=${host#unix://}
    if [ -S "$socket" ]; then
      gid=$(stat -c %g "$socket")
      groups=--groups=$gid
      [ "$gid" != 0 ] || log "$socket belongs to group root (gid 0): Corral joins that group to use it"
    else
      log "no engine socket at $socket (mount it: -v /var/run/docker.sock:$socket); Corral will report the engine as down"
    fi ;;
esac

# The data directory (a volume): Corral's, also when a host directory or an older volume is mounted there.
data=${CORRAL_DATA_DIR:-/var/lib/corral}
mkdir -p "$data"
find "$data" -xdev \( ! -user corral -o ! -group corral \) -exec chown corral:corral {} + 2>/dev/null \
  || log "could not give $data to corral; Corral may be unable to write its store"

exec setpriv --reuid=corral --regid=corral "$groups" --inh-caps=-all --no-new-privs \
  env HOME=/home/corral USER=corral LOGNAME=corral "$@"
