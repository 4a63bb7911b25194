#!/usr/bin/env bash
# Builds the images Corral's examples, tests and tool runs use, from Debian packages, without any
# registry. An image is rebuilt only when it is missing or its recipe changed; each carries its
# recipe hash as label corral.dev/recipe.
#
#   corral/busybox:latest        busybox (sh, httpd, wget, nc, sleep, ...) and nothing else.
#                                Recipe: this script.
#   corral/runner-bash:latest    Tool-run runners (bash, python3, node steps). Each holds Debian 12's
#   corral/runner-python:latest  bash, jq, python3, nodejs and ca-certificates, and the helper
#   corral/runner-node:latest    library for its language. Recipe: this script and everything
#                                under runner/. Skipped when CORRAL_SKIP_RUNNERS=1.
#   corral/runner-base:<hash>    Their common base. Its hash covers only the steps below that make
#                                it (build_runner_base), so editing a helper does not redo step 1.
#
# Runner recipe:
#   1. debootstrap --variant=minbase --include=python3,nodejs,jq,ca-certificates bookworm DIR
#      (debootstrap is apt-get installed when missing; needs root), then apt-get upgrade inside it
#      from bookworm-updates and bookworm-security. Removed: apt lists and caches, docs (but the
#      copyright files), man and info pages, translations, logs, device nodes; dpkg is told to
#      leave docs out of later installs too.
#   2. tar -C DIR -c . | docker import  ->  corral/runner-base:<base hash>  (PATH, LANG=C.UTF-8)
#   3. For bash, python and node: docker build -f runner/Dockerfile.<kind> runner/ FROM that base,
#      which runs runner/install.sh: user runner, uid 1000, gid 1000, home /home/runner;
#      /workspace and /workspace/{data,output,scripts} owned by it, mode 0775; WORKDIR /workspace;
#      USER 1000:1000; label corral.dev/recipe=<runner hash>; and the helper library (runner/lib/):
#        all three  /usr/local/bin/corral                      bash; called or sourced; uses jq
#          corral input [key] | event [key] | get-var NAME | set-var NAME [JSON]
#          corral output [JSON] | set-condition true|false      (JSON on stdin when omitted)
#        python     /usr/lib/python3/dist-packages/corral.py    import corral: input(key=None),
#          event(key=None), output(value), get_variable(name, default=None),
#          set_variable(name, value), set_condition(bool)
#        node       /usr/lib/node_modules/corral/               require('corral') (NODE_PATH set):
#          input(key), event(key), output(value), getVariable(name, dflt), setVariable(name,
#          value), setCondition(bool)
#   4. runner/verify.sh <kind> on the new image, run as tool runs are (--read-only, --tmpfs /tmp,
#      a volume on /workspace, --cap-drop ALL, no-new-privileges, --network none, --init); only
#      an image that passes becomes corral/runner-<kind>:latest.
#
# Helper data contract (the same in all three helpers):
#   in   /workspace/data/input.json       parameters object (also env CORRAL_PARAM_<NAME>)
#        /workspace/data/event.json       run metadata object
#        /workspace/data/variables.json   initial variables object
#        A missing input file counts as {}, a missing key as null.
#   out  /workspace/output/output.json     the result, any JSON
#        /workspace/output/variables.json  all variables: initial + every set so far
#        /workspace/output/condition.json  {"condition": true|false}
#        Each is written to a temporary file in output/ and renamed into place.
#
# Environment: DOCKER (default /usr/bin/docker), CORRAL_SKIP_RUNNERS=1, CORRAL_DEBIAN_MIRROR
# (default http://deb.debian.org/debian), CORRAL_DEBIAN_SECURITY_MIRROR (default
# http://deb.debian.org/debian-security).
set -euo pipefail
DOCKER=${DOCKER:-/usr/bin/docker}
HERE=$(cd "$(dirname "$0")" && pwd)
recipe=$(sha256sum "$0" | cut -c1-16)
runner_recipe=$(
  cd "$HERE"
  { sha256sum build.sh
    find runner -type f ! -path '*/__pycache__/*' ! -name '*.pyc' -print0 | LC_ALL=C sort -z | xargs -0 sha256sum
  } | sha256sum | cut -c1-16
)
RUNNER_SUITE=bookworm
RUNNER_PACKAGES=python3,nodejs,jq,ca-certificates
DEBIAN_MIRROR=${CORRAL_DEBIAN_MIRROR:-http://deb.debian.org/debian}
DEBIAN_SECURITY_MIRROR=${CORRAL_DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security}

log() { printf '[images] %s\n' "$*" >&2; }

current() { "$DOCKER" image inspect --format '{{index .Config.Labels "corral.dev/recipe"}}' "$1" 2>/dev/null || true; }

build_busybox() {
  local image=corral/busybox:latest
  if [ "$(current "$image")" = "$recipe" ]; then
    return
  fi
  if [ ! -x /bin/busybox ]; then
    [ "$(id -u)" -eq 0 ] || { log "need root to install busybox-static"; exit 1; }
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq busybox-static >/dev/null
  fi
  local dir
  dir=$(mktemp -d)
  trap 'rm -rf "$dir"' RETURN
  mkdir -p "$dir/rootfs/bin" "$dir/rootfs/tmp" "$dir/rootfs/www" "$dir/rootfs/etc"
  cp /bin/busybox "$dir/rootfs/bin/busybox"
  for cmd in $("$dir/rootfs/bin/busybox" --list); do
    [ "$cmd" = busybox ] || ln -s busybox "$dir/rootfs/bin/$cmd"
  done
  echo 'root:x:0:0:root:/root:/bin/sh' > "$dir/rootfs/etc/passwd"
  echo 'nobody:x:65534:65534:nobody:/nonexistent:/bin/false' >> "$dir/rootfs/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' > "$dir/rootfs/etc/group"
  echo 'ok' > "$dir/rootfs/www/index.html"
  chmod 1777 "$dir/rootfs/tmp"
  cat > "$dir/Dockerfile" <<'DOCKERFILE'
FROM scratch
ADD rootfs/ /
ENV PATH=/bin
CMD ["sh"]
DOCKERFILE
  log "building $image"
  DOCKER_BUILDKIT=0 "$DOCKER" build -q --label "corral.dev/recipe=$recipe" -t "$image" "$dir" >/dev/null
}

# The debootstrap tree, removed on exit however the script ends (after unmounting anything left
# mounted in it, e.g. /proc by an interrupted chroot step).
ROOTFS=""
remove_rootfs() {
  [ -n "$ROOTFS" ] && [ -d "$ROOTFS" ] || return 0
  findmnt -rn -o TARGET | awk -v p="$ROOTFS/" 'index($0, p) == 1' | sort -r | while read -r m; do
    umount -l "$m" 2>/dev/null || true
  done
  rm -rf --one-file-system "$ROOTFS"
  ROOTFS=""
}
trap remove_rootfs EXIT

build_runner_base() { # $1: image name
  local image=$1 started=$SECONDS
  [ "$(id -u)" -eq 0 ] || { log "need root for debootstrap (runner images; CORRAL_SKIP_RUNNERS=1 skips them)"; exit 1; }
  if ! command -v debootstrap >/dev/null 2>&1; then
    log "installing debootstrap"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null
  fi
  ROOTFS=$(mktemp -d /var/tmp/corral-runner-base.XXXXXX)
  local root=$ROOTFS/rootfs
  log "debootstrap $RUNNER_SUITE ($RUNNER_PACKAGES) from $DEBIAN_MIRROR"
  debootstrap --variant=minbase --include="$RUNNER_PACKAGES" "$RUNNER_SUITE" "$root" "$DEBIAN_MIRROR" \
    > "$ROOTFS/debootstrap.log" 2>&1 || { tail -n 30 "$ROOTFS/debootstrap.log" >&2; log "debootstrap failed"; exit 1; }

  cat > "$root/etc/dpkg/dpkg.cfg.d/01-corral-nodoc" <<'DPKG'
# corral: no docs, man pages or translations (copyright files stay)
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
path-include /usr/share/locale/locale.alias
path-exclude /usr/share/lintian/*
DPKG
  cat > "$root/etc/apt/sources.list" <<SOURCES
deb $DEBIAN_MIRROR $RUNNER_SUITE main
deb $DEBIAN_MIRROR $RUNNER_SUITE-updates main
deb $DEBIAN_SECURITY_MIRROR $RUNNER_SUITE-security main
SOURCES
  log "apt-get upgrade from $RUNNER_SUITE-updates and -security"
  mount -t proc proc "$root/proc"
  chroot "$root" apt-get update -qq > "$ROOTFS/upgrade.log" 2>&1 \
    && chroot "$root" env DEBIAN_FRONTEND=noninteractive apt-get -y -qq -o Dpkg::Options::=--force-confold upgrade \
      >> "$ROOTFS/upgrade.log" 2>&1 \
    || { umount "$root/proc"; tail -n 30 "$ROOTFS/upgrade.log" >&2; log "apt-get upgrade failed"; exit 1; }
  chroot "$root" apt-get clean
  umount "$root/proc"

  ( cd "$root"
    find var/lib/apt/lists var/cache/apt var/log tmp var/tmp dev -mindepth 1 -delete
    mkdir -p var/lib/apt/lists/partial var/cache/apt/archives/partial
    find usr/share/doc -mindepth 1 ! -type d ! -name copyright -delete
    find usr/share/doc -mindepth 1 -depth -type d -empty -delete
    find usr/share/man usr/share/info usr/share/lintian usr/share/locale -mindepth 1 -maxdepth 1 \
      ! -name locale.alias -exec rm -rf {} + 2>/dev/null || true
    rm -f var/cache/debconf/*-old var/lib/dpkg/*-old root/.bash_history
    : > etc/resolv.conf                       # the engine mounts its own resolv.conf, hostname, hosts
    echo localhost > etc/hostname
    printf '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n' > etc/hosts
    chmod 1777 tmp var/tmp
  )
  log "importing $image ($(du -sh --apparent-size "$root" | cut -f1) rootfs)"
  tar --numeric-owner --xattrs -C "$root" -c . | "$DOCKER" import \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'ENV LANG=C.UTF-8' \
    --change 'CMD ["bash"]' \
    --change "LABEL corral.dev/recipe=${image##*:}" \
    --message "corral runner base: debootstrap $RUNNER_SUITE $RUNNER_PACKAGES" - "$image" >/dev/null
  remove_rootfs
  log "built $image in $((SECONDS - started)) s"
}

build_runners() {
  if [ "${CORRAL_SKIP_RUNNERS:-}" = 1 ]; then
    log "CORRAL_SKIP_RUNNERS=1: runner images skipped"
    return
  fi
  local kind kinds=()
  for kind in bash python node; do
    [ "$(current "corral/runner-$kind:latest")" = "$runner_recipe" ] || kinds+=("$kind")
  done
  [ ${#kinds[@]} -gt 0 ] || return 0

  # The base's own recipe: the function making it and what it installs, from where not included.
  local base_recipe base
  base_recipe=$(printf '%s\n' "$(declare -f build_runner_base remove_rootfs)" "$RUNNER_SUITE" "$RUNNER_PACKAGES" \
    | sha256sum | cut -c1-16)
  base=corral/runner-base:$base_recipe
  "$DOCKER" image inspect "$base" >/dev/null 2>&1 || build_runner_base "$base"

  local image candidate old started
  for kind in "${kinds[@]}"; do
    started=$SECONDS
    image=corral/runner-$kind:latest
    candidate=corral/runner-$kind:candidate-$runner_recipe
    log "building $image"
    DOCKER_BUILDKIT=0 "$DOCKER" build -q --network none --build-arg "BASE=$base" \
      --label "corral.dev/recipe=$runner_recipe" -t "$candidate" \
      -f "$HERE/runner/Dockerfile.$kind" "$HERE/runner" >/dev/null
    if ! DOCKER="$DOCKER" "$HERE/runner/verify.sh" "$kind" "$candidate"; then
      "$DOCKER" rmi "$candidate" >/dev/null 2>&1 || true
      log "$image failed verification; left as it was"
      exit 1
    fi
    old=$("$DOCKER" image inspect --format '{{.Id}}' "$image" 2>/dev/null || true)
    "$DOCKER" tag "$candidate" "$image"
    "$DOCKER" rmi "$candidate" >/dev/null
    # The image this one replaces, unless a container still uses it.
    if [ -n "$old" ] && [ "$old" != "$("$DOCKER" image inspect --format '{{.Id}}' "$image")" ]; then
      "$DOCKER" rmi "$old" >/dev/null 2>&1 || true
    fi
    log "built $image in $((SECONDS - started)) s"
  done

  # Bases of earlier recipes: untagged (their layers stay while an image still builds on them).
  "$DOCKER" images --format '{{.Repository}}:{{.Tag}}' corral/runner-base | { grep -vxF "$base" || true; } \
    | while read -r stale; do "$DOCKER" rmi "$stale" >/dev/null 2>&1 || true; done
}

build_busybox
build_runners
log "images ready"
