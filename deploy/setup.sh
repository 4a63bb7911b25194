#!/usr/bin/env bash
# Makes a Debian machine ready to run and test Corral, on the host or as a container. Idempotent:
# installs only what is missing, reuses a Docker engine that already answers, rebuilds images only
# when absent or their recipe changed (deploy/images/build.sh: busybox, Corral's own image bases
# corral/base-jre and corral/base-native, the tool-run runners), and installs Prometheus for the
# metrics tests unless CORRAL_SKIP_PROMETHEUS=1, etcd for the etcd store's unless CORRAL_SKIP_ETCD=1, and Podman's
# service for the suites run on Podman unless CORRAL_SKIP_PODMAN=1 (deploy/podman.sh).
#
#   deploy/setup.sh
#
# Needs root (or sudo) for apt-get and dockerd, like any Docker host set-up.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '[setup] %s\n' "$*" >&2; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

apt_updated=""
apt_install() {
  if [ -z "$apt_updated" ]; then
    as_root apt-get update -qq
    apt_updated=1
  fi
  log "installing $*"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

# Java 17+: the Maven Wrapper (./mvnw) brings its own Maven.
if ! command -v java >/dev/null 2>&1; then
  apt_install openjdk-17-jdk-headless
fi

# Prometheus and promtool, from Debian's prometheus package, for the metrics tests
# (dev.corral.observability), which start their own server on a free port: the package's service is kept
# from starting (policy-rc.d, Debian's way), and left disabled where systemd runs. Running Corral needs
# neither: deploy/run.sh sets CORRAL_SKIP_PROMETHEUS=1.
if [ -z "${CORRAL_SKIP_PROMETHEUS:-}" ] && { ! command -v promtool >/dev/null 2>&1 || ! command -v prometheus >/dev/null 2>&1; }; then
  if [ -e /usr/sbin/policy-rc.d ]; then
    apt_install prometheus
  else
    printf '#!/bin/sh\nexit 101\n' | as_root tee /usr/sbin/policy-rc.d >/dev/null
    as_root chmod 755 /usr/sbin/policy-rc.d
    apt_install prometheus || { as_root rm -f /usr/sbin/policy-rc.d; exit 1; }
    as_root rm -f /usr/sbin/policy-rc.d
  fi
  if [ -d /run/systemd/system ]; then
    as_root systemctl disable --now prometheus >/dev/null 2>&1 || true
  fi
fi

# etcd, for the etcd store's tests (EtcdCluster starts its own members on free ports) and for
# corral.store.kind=etcd (docs/multi-host.md). The package's own service is kept from starting, as
# Prometheus's is. CORRAL_SKIP_ETCD=1 leaves it out.
if [ -z "${CORRAL_SKIP_ETCD:-}" ] && ! command -v etcd >/dev/null 2>&1; then
  if [ -e /usr/sbin/policy-rc.d ]; then
    apt_install etcd-server
  else
    printf '#!/bin/sh\nexit 101\n' | as_root tee /usr/sbin/policy-rc.d >/dev/null
    as_root chmod 755 /usr/sbin/policy-rc.d
    apt_install etcd-server || { as_root rm -f /usr/sbin/policy-rc.d; exit 1; }
    as_root rm -f /usr/sbin/policy-rc.d
  fi
  if [ -d /run/systemd/system ]; then
    as_root systemctl disable --now etcd >/dev/null 2>&1 || true
  fi
fi

# curl and jq: bin/corral, the command line, speaks HTTP with one and reads JSON with the other.
for tool in curl jq; do
  command -v "$tool" >/dev/null 2>&1 || apt_install "$tool"
done

# ip and iptables: deploy/swarm-lab.sh (a Swarm of dockerd processes in network namespaces, for the
# Swarm tests and for trying corral.engine.mode=swarm on one machine). nsenter and unshare are util-linux's.
command -v ip >/dev/null 2>&1 || apt_install iproute2
command -v iptables >/dev/null 2>&1 || apt_install iptables

# The Docker engine, from Debian's docker.io. /usr/bin/docker is that package's client.
DOCKER=/usr/bin/docker
if [ ! -x "$DOCKER" ] || ! command -v dockerd >/dev/null 2>&1; then
  apt_install docker.io
fi
if ! "$DOCKER" version >/dev/null 2>&1; then
  log "starting dockerd (log: /var/log/dockerd.log)"
  # Detached, with no inherited stdout/stderr: a daemon holding them open would keep CI waiting.
  as_root setsid dockerd >>/var/log/dockerd.log 2>&1 < /dev/null &
  for _ in $(seq 1 120); do
    "$DOCKER" version >/dev/null 2>&1 && break
    sleep 0.5
  done
  "$DOCKER" version >/dev/null 2>&1 || { log "dockerd did not answer within 60 s; see /var/log/dockerd.log"; exit 1; }
fi
log "docker engine $("$DOCKER" version --format '{{.Server.Version}}') is up"

# gVisor, for isolation: strict (docs/isolation.md): Debian's runsc, registered with the engine as the
# runtime "runsc". --network=none: on these VMs runsc cannot start a container with a network (so strict
# suits tools with network: none). Only a missing /etc/docker/daemon.json is written; one that exists
# without runsc is left alone, with a note (strict is then refused, never weakened).
if [ -z "${CORRAL_SKIP_GVISOR:-}" ] && ! "$DOCKER" info --format '{{json .Runtimes}}' | grep -q '"runsc"'; then
  command -v runsc >/dev/null 2>&1 || apt_install runsc || log "runsc could not be installed: isolation: strict stays unavailable"
  if command -v runsc >/dev/null 2>&1; then
    if [ ! -e /etc/docker/daemon.json ]; then
      as_root mkdir -p /etc/docker
      printf '{"runtimes": {"runsc": {"path": "%s", "runtimeArgs": ["--platform=ptrace", "--network=none"]}}}\n' \
        "$(command -v runsc)" | as_root tee /etc/docker/daemon.json >/dev/null
    fi
    if grep -q '"runsc"' /etc/docker/daemon.json; then
      # shellcheck disable=SC2046 # dockerd reloads its runtimes on SIGHUP, without a restart
      as_root kill -HUP $(pidof dockerd) 2>/dev/null || log "no local dockerd to reload: restart the engine to load runsc"
      for _ in $(seq 1 40); do
        "$DOCKER" info --format '{{json .Runtimes}}' | grep -q '"runsc"' && break
        sleep 0.25
      done
      "$DOCKER" info --format '{{json .Runtimes}}' | grep -q '"runsc"' && log "gVisor (runsc) registered with the engine"
    else
      log "/etc/docker/daemon.json has no runsc runtime: add it to use isolation: strict (docs/isolation.md)"
    fi
  fi
fi

# Images are built locally: no registry is assumed reachable. With the bases, after ./mvnw package,
# `docker build -f Dockerfile.jvm -t corral/corral .` works offline.
deploy/images/build.sh

# Podman, for the converge and runs suites run against it as well (docs/podman.md): its Docker-compatible
# service with a configuration of its own, and the images the suites use. netavark and aardvark-dns: the
# network backend under which relics reach each other by name; catatonit: Podman's --init.
# CORRAL_SKIP_PODMAN=1 leaves it out.
if [ -z "${CORRAL_SKIP_PODMAN:-}" ]; then
  for pkg in podman netavark aardvark-dns catatonit; do
    dpkg-query -W -f '${Status}' "$pkg" 2>/dev/null | grep -q 'ok installed' || apt_install "$pkg"
  done
  # The images there are (CORRAL_SKIP_RUNNERS=1 leaves the runners out).
  images=""
  for image in corral/busybox:latest corral/runner-bash:latest corral/runner-python:latest corral/runner-node:latest; do
    "$DOCKER" image inspect "$image" >/dev/null 2>&1 && images="$images $image"
  done
  # shellcheck disable=SC2086 # one word per image
  as_root deploy/podman.sh up $images >/dev/null
fi
