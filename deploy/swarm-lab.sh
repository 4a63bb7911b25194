#!/usr/bin/env bash
# A Docker Swarm of several nodes on this one machine, for trying and testing corral.engine.mode=swarm.
#
#   deploy/swarm-lab.sh up [NODES] [IMAGES...]   three nodes by default; loads the images into every node
#   deploy/swarm-lab.sh down                     removes every node, namespace, link and file it made
#   deploy/swarm-lab.sh stop-node N              kills node N's engine (as a lost host)
#
# Each node is a dockerd of its own in a network namespace of its own, joined to a bridge on this host
# (10.199.213.0/24): node 1 is the Swarm's manager, the others workers. Its socket is
# unix:///run/corral-sw/node1.sock (printed by "up"). Needs root. Why not docker-in-docker: privileged
# containers cannot apply their capabilities on these machines; and "ip netns exec" remounts /sys, which
# hides the cgroups from dockerd ("Devices cgroup isn't mounted"), hence nsenter.
set -euo pipefail

# Several labs side by side (the tests use their own): CORRAL_SWARM_ID names everything one makes.
ID=${CORRAL_SWARM_ID:-sw}
STATE=/run/corral-$ID
DATA=/var/lib/corral-$ID
BRIDGE=crl${ID}0
# The nodes' own /24 (outside Corral's session pool, 10.213.0.0/16 by default).
NET=${CORRAL_SWARM_NET:-10.199.213}

log() { echo "[swarm-lab] $*" >&2; }

sock() { echo "unix://$STATE/node$1.sock"; }
dk() { local n=$1; shift; docker -H "$(sock "$n")" "$@"; }

wait_for() { # seconds, command...
    local until=$((SECONDS + $1)); shift
    until "$@" >/dev/null 2>&1; do
        if ((SECONDS >= until)); then log "timed out waiting for: $*"; return 1; fi
        sleep 0.2
    done
}

up() {
    local nodes=${1:-3}; shift || true
    [[ $(id -u) == 0 ]] || { log "needs root (network namespaces, a bridge, dockerd)"; exit 1; }
    docker version --format '{{.Server.Version}}' >/dev/null || { log "the host's engine must run (deploy/setup.sh)"; exit 1; }
    mkdir -p "$STATE" "$DATA"
    # The most nodes this lab ever had: "down" removes them all.
    local had; had=$(cat "$STATE/nodes" 2>/dev/null || echo 0)
    echo $((nodes > had ? nodes : had)) > "$STATE/nodes"
    if ! ip link show "$BRIDGE" >/dev/null 2>&1; then
        ip link add "$BRIDGE" type bridge
        ip addr add "$NET.1/24" dev "$BRIDGE"
        ip link set "$BRIDGE" up
    fi
    # The host's dockerd sets FORWARD to DROP: let the nodes reach each other through the bridge.
    iptables -C FORWARD -i "$BRIDGE" -o "$BRIDGE" -j ACCEPT 2>/dev/null \
        || iptables -I FORWARD -i "$BRIDGE" -o "$BRIDGE" -j ACCEPT
    for n in $(seq 1 "$nodes"); do start_node "$n"; done
    if [[ $(dk 1 info --format '{{.Swarm.LocalNodeState}}') != active ]]; then
        # A node is declared down after a few missed heartbeats: 1 s instead of 5 s finds a lost node sooner.
        dk 1 swarm init --advertise-addr "$NET.11" --dispatcher-heartbeat 1s >/dev/null
    fi
    local token; token=$(dk 1 swarm join-token -q worker)
    for n in $(seq 2 "$nodes"); do
        # A node whose engine was restarted rejoins by itself (pending, then active).
        if [[ ! $(dk "$n" info --format '{{.Swarm.LocalNodeState}}') =~ ^(active|pending)$ ]]; then
            dk "$n" swarm join --advertise-addr "$NET.1$n" --token "$token" "$NET.11:2377" >/dev/null
        fi
    done
    wait_for 60 ready "$nodes"
    for image in "$@"; do
        for n in $(seq 1 "$nodes"); do
            if ! dk "$n" image inspect "$image" >/dev/null 2>&1; then
                docker save "$image" | dk "$n" load >/dev/null
            fi
        done
    done
    log "a Swarm of $nodes nodes is up; its manager: $(sock 1)"
    echo "$(sock 1)"
}

ready() {
    (( $(dk 1 node ls --filter role=worker --format '{{.Status}}' | grep -c Ready) >= $1 - 1 ))
}

start_node() {
    local n=$1 ns=corral-$ID$1
    if [[ -S $STATE/node$n.sock ]] && dk "$n" version >/dev/null 2>&1; then return; fi
    if ! ip -n "$ns" link show eth0 >/dev/null 2>&1; then
        # Missing or half made (an interrupted "up"): made again from nothing.
        ip netns del "$ns" 2>/dev/null || true
        ip link del "crl$ID$n-h" 2>/dev/null || true
        ip netns add "$ns"
        ip link add "crl$ID$n-h" type veth peer name "crl$ID$n-n"
        ip link set "crl$ID$n-h" master "$BRIDGE" up
        ip link set "crl$ID$n-n" netns "$ns"
        ip -n "$ns" link set "crl$ID$n-n" name eth0
        ip -n "$ns" addr add "$NET.1$n/24" dev eth0
        ip -n "$ns" link set eth0 up
        ip -n "$ns" link set lo up
        ip -n "$ns" route add default via "$NET.1"
    fi
    mkdir -p "$DATA/node$n" "$STATE/exec$n"
    # No registry here: a task's image is what was loaded into its node (a worker would otherwise try to pull
    # it first, and wait for a DNS timeout). A host name of its own (its own UTS namespace), so that Swarm tells the nodes apart by name.
    DOCKER_SERVICE_PREFER_OFFLINE_IMAGE=1 nsenter --net="/var/run/netns/$ns" unshare --uts sh -c "hostname corral-node$n && exec \"\$0\" \"\$@\"" \
        dockerd --data-root "$DATA/node$n" --exec-root "$STATE/exec$n" \
        --pidfile "$STATE/node$n.pid" -H "$(sock "$n")" --storage-driver vfs \
        --bip 172.31.$((n + 200)).1/24 >"$STATE/node$n.log" 2>&1 &
    wait_for 60 dk "$n" version
}

stop_node() {
    local pid; pid=$(cat "$STATE/node$1.pid" 2>/dev/null) || return 0
    kill -9 "$pid" 2>/dev/null || true
    kill_containers "$1"
    log "node $1's engine killed"
}

# A dead engine's containers outlive it (their shims do): kill each one's first process (the rest of its
# PID namespace goes with it) and the shim, as the loss of the host would.
kill_containers() {
    local shim
    for shim in $(pgrep -f "containerd-shim.*$STATE/exec$1/" || true); do
        pkill -9 -P "$shim" 2>/dev/null || true
        kill -9 "$shim" 2>/dev/null || true
    done
    pkill -9 -f "containerd .*$STATE/exec$1/" 2>/dev/null || true
}

down() {
    local nodes; nodes=$(cat "$STATE/nodes" 2>/dev/null || echo 3)
    for n in $(seq 1 "$nodes"); do
        local pid; pid=$(cat "$STATE/node$n.pid" 2>/dev/null || true)
        if [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null; then
            # Containers first, while the engine can still unmount them.
            dk "$n" swarm leave --force >/dev/null 2>&1 || true
            dk "$n" ps -aq | xargs -r docker -H "$(sock "$n")" rm -f >/dev/null 2>&1 || true
            kill "$pid" 2>/dev/null || true
            local i=0; while kill -0 "$pid" 2>/dev/null && ((i++ < 100)); do sleep 0.1; done
            kill -9 "$pid" 2>/dev/null || true
        fi
        kill_containers "$n"
        ip netns del "corral-$ID$n" 2>/dev/null || true
        ip link del "crl$ID$n-h" 2>/dev/null || true
    done
    # Whatever the engines left mounted under their roots (vfs has none; overlay and netns do).
    grep -E " ($STATE|$DATA)(/| )" /proc/mounts | awk '{print $2}' | sort -r | xargs -r -n1 umount -l 2>/dev/null || true
    iptables -D FORWARD -i "$BRIDGE" -o "$BRIDGE" -j ACCEPT 2>/dev/null || true
    ip link del "$BRIDGE" 2>/dev/null || true
    rm -rf "$STATE" "$DATA"
    log "removed"
}

case "${1:-}" in
    up) shift; up "$@" ;;
    down) down ;;
    stop-node) stop_node "$2" ;;
    *) echo "usage: $0 up [NODES] [IMAGES...] | down | stop-node N" >&2; exit 2 ;;
esac
