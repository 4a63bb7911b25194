#!/usr/bin/env bash
# Podman's Docker-compatible API service, set up for Corral: for running Corral without the Docker daemon
# and for the test suites that run against Podman (docs/podman.md).
#
#   deploy/podman.sh up [IMAGES...]   starts the service (if it is not answering) and loads the images
#                                     from the Docker engine into it when they differ; prints its socket
#   deploy/podman.sh down             stops it and removes every container, network and file it made
#
# Its own storage, run state and network configuration (under /var/lib/corral-podman and
# /run/corral-podman), so it neither sees nor touches another Podman's containers. Its containers.conf
# holds what Podman 4.3 needs on these machines:
#   runtime = "runc"          crun fails on hybrid cgroups ("drop all controllers from cgroupv2")
#   default_ulimits           Podman's defaults (nofile 1048576) exceed the VM's hard limits: EPERM at start
#   exit_command_delay = 1    else every exec leaves two conmon processes for 5 minutes (podman#20415):
#                             with health probes every second, thousands
#   network_backend = "netavark"  with aardvark-dns, relics reach each other by name; and CNI takes ~2 s
#                             per network operation once 200 networks exist (measured), netavark ~0.1 s
# And one iptables rule: beside a Docker engine (which sets FORWARD's policy to DROP and loads br_netfilter),
# traffic between two containers of one Podman bridge goes through FORWARD and is dropped, as netavark adds
# no rule for internal networks; the rule accepts what stays on one Podman bridge (bridged, not routed), so
# relics of one session reach each other and sessions stay apart.
# Needs root, like the Docker engine it stands in for.
set -euo pipefail

STATE=${CORRAL_PODMAN_STATE:-/run/corral-podman}
DATA=${CORRAL_PODMAN_DATA:-/var/lib/corral-podman}
SOCK=unix://$STATE/podman.sock

RULE="-i podman+ -o podman+ -m physdev --physdev-is-bridged -j ACCEPT"

log() { echo "[podman] $*" >&2; }

PODMAN=(podman --root "$DATA/storage" --runroot "$STATE/storage" --network-config-dir "$DATA/networks"
    --tmpdir "$STATE/tmp")
pm() { CONTAINERS_CONF=$DATA/containers.conf "${PODMAN[@]}" "$@"; }

answers() { curl -sf --unix-socket "$STATE/podman.sock" http://podman/_ping >/dev/null 2>&1; }

up() {
    [[ $(id -u) == 0 ]] || { log "needs root"; exit 1; }
    command -v podman >/dev/null || { log "podman is not installed (deploy/setup.sh installs it)"; exit 1; }
    mkdir -p "$STATE/tmp" "$DATA/networks"
    # Within this machine's hard limits, which a container may not exceed.
    local nofile nproc
    nofile=$(ulimit -Hn); [[ $nofile == unlimited || $nofile -gt 1048576 ]] && nofile=1048576
    nproc=$(ulimit -Hu); [[ $nproc == unlimited || $nproc -gt 32768 ]] && nproc=32768
    cat > "$DATA/containers.conf.new" <<EOF
[containers]
default_ulimits = ["nofile=$nofile:$nofile", "nproc=$nproc:$nproc"]

[engine]
runtime = "runc"
exit_command_delay = 1

[network]
network_backend = "netavark"
EOF
    if ! cmp -s "$DATA/containers.conf.new" "$DATA/containers.conf" 2>/dev/null; then
        mv "$DATA/containers.conf.new" "$DATA/containers.conf"
        stop_service
    else
        rm -f "$DATA/containers.conf.new"
    fi
    iptables -C FORWARD $RULE 2>/dev/null || iptables -I FORWARD $RULE
    if ! answers; then
        rm -f "$STATE/podman.sock"
        # Detached, without inherited output: CI would otherwise wait for it. --time=0: never exits when idle.
        # From its own directory: conmon writes files (an "oom" mark) to its working directory.
        # Without the caller's other descriptors: a lock the caller holds (flock around a test run) would be held
        # for as long as the service lives.
        # In a session of its own (setsid), as dockerd is: a hang-up or a CI job's clean-up of the caller's
        # process group does not take it down.
        (cd "$STATE" && for fd in $(ls /proc/$BASHPID/fd); do [ "$fd" -gt 2 ] && eval "exec $fd>&-"; done
         CONTAINERS_CONF=$DATA/containers.conf exec setsid "${PODMAN[@]}" system service --time=0 "$SOCK") \
            >"$STATE/service.log" 2>&1 </dev/null &
        echo $! > "$STATE/service.pid"
        local until=$((SECONDS + 30))
        until answers; do
            if ((SECONDS >= until)); then
                log "the service did not answer within 30 s; see $STATE/service.log"
                stop_service
                exit 1
            fi
            sleep 0.2
        done
    fi
    # No registry: images come from the Docker engine, when Podman has none of that id.
    for image in "$@"; do
        local want; want=$(docker image inspect -f '{{.Id}}' "$image" 2>/dev/null) || { log "no image $image in Docker"; exit 1; }
        if [[ $(pm image inspect -f '{{.Id}}' "$image" 2>/dev/null) != "${want#sha256:}" ]]; then
            docker save "$image" | pm load -q >/dev/null
        fi
    done
    log "Podman $(pm version -f '{{.Server.Version}}' 2>/dev/null || pm version -f '{{.Version}}') answers at $SOCK"
    echo "$SOCK"
}

stop_service() {
    local pid; pid=$(cat "$STATE/service.pid" 2>/dev/null || true)
    if [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null; then
        kill "$pid"
        local i=0; while kill -0 "$pid" 2>/dev/null && ((i++ < 100)); do sleep 0.1; done
        kill -9 "$pid" 2>/dev/null || true
    fi
    rm -f "$STATE/service.pid" "$STATE/podman.sock"
}

down() {
    stop_service
    if [[ -d $DATA/storage ]]; then
        pm rm -af -t 0 >/dev/null 2>&1 || true
        pm network ls -q 2>/dev/null | grep -vx podman | while read -r n; do pm network rm -f "$n"; done >/dev/null 2>&1 || true
        pm system reset -f >/dev/null 2>&1 || true
    fi
    pkill -9 -f "conmon .*$DATA/storage" 2>/dev/null || true
    iptables -D FORWARD $RULE 2>/dev/null || true
    grep -E " ($STATE|$DATA)(/| )" /proc/mounts | awk '{print $2}' | sort -r | xargs -r -n1 umount -l 2>/dev/null || true
    rm -rf "$STATE" "$DATA"
    log "removed"
}

case "${1:-}" in
    up) shift; up "$@" ;;
    down) down ;;
    *) echo "usage: $0 up [IMAGES...] | down" >&2; exit 2 ;;
esac
