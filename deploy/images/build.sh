#!/usr/bin/env bash
# Builds the images Corral's examples, tests, tool runs and its own container image use, from Debian
# packages, without any registry. An image is rebuilt only when it is missing or its recipe changed;
# each carries its recipe hash as label corral.dev/recipe. A recipe is the code of the functions
# below that make the image and what it installs (and, for the runners, the files under runner/), so
# editing one image's recipe rebuilds only that image.
#
#   deploy/images/build.sh [busybox] [bases] [runners]      # no argument: all three
#
#   corral/busybox:latest        busybox (sh, httpd, wget, nc, sleep, ...) and nothing else.
#                                Recipe: build_busybox.
#   corral/base-native:latest    Bases of Corral's own image (Dockerfile.native and Dockerfile.jvm at
#   corral/base-jre:latest       the repository root): the Debian tree below (libc, zlib, bash,
#                                util-linux's setpriv, apt, ca-certificates); the JRE base adds
#                                openjdk-17-jre-headless, checked with java -version and setpriv
#                                --version. Recipe: build_bases and the Debian tree's helpers.
#   corral/runner-bash:latest    Tool-run runners (bash, python3, node steps). Each holds Debian 12's
#   corral/runner-python:latest  bash, jq, python3, nodejs and ca-certificates, and the helper
#   corral/runner-node:latest    library for its language. Recipe: build_runners, everything under
#                                runner/ and the base's recipe. Skipped when CORRAL_SKIP_RUNNERS=1.
#   corral/runner-base:<hash>    Their common base. Its hash covers only the steps that make it
#                                (build_runner_base and the Debian tree's helpers), so editing a
#                                helper library does not redo it.
#
# The Debian tree, made at most once per run (debian_tree; every image built from Debian starts from
# a copy of it, derive_tree): debootstrap --variant=minbase --include=ca-certificates bookworm DIR
# (debootstrap is apt-get installed when missing; needs root), then apt-get upgrade inside it from
# bookworm-updates and bookworm-security, dpkg told to leave docs out of every install. A copy gets
# its image's packages (apt-get install --no-install-recommends), then loses (slim_tree) apt lists
# and caches, docs (but the copyright files), man and info pages, translations, logs and device
# nodes, and becomes an image with tar -C DIR -c . | docker import (import_tree; PATH,
# LANG=C.UTF-8, CMD bash).
#
# Runner recipe:
#   1. A copy of the Debian tree with python3, nodejs and jq, imported as corral/runner-base:<hash>.
#   2. For bash, python and node: docker build -f runner/Dockerfile.<kind> runner/ FROM that base,
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
#   3. runner/verify.sh <kind> on the new image, run as tool runs are (--read-only, --tmpfs /tmp,
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
SUITE=bookworm
BASE_PACKAGES=ca-certificates
RUNNER_PACKAGES="python3 nodejs jq"
JRE_PACKAGES=openjdk-17-jre-headless
DEBIAN_MIRROR=${CORRAL_DEBIAN_MIRROR:-http://deb.debian.org/debian}
DEBIAN_SECURITY_MIRROR=${CORRAL_DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security}

log() { printf '[images] %s\n' "$*" >&2; }

current() { "$DOCKER" image inspect --format '{{index .Config.Labels "corral.dev/recipe"}}' "$1" 2>/dev/null || true; }

# The recipe hash of the named functions' code and the further words given.
recipe_of() { # recipe_of "fn1 fn2 ..." [word ...]
  local fns=$1
  shift
  # shellcheck disable=SC2086 # a list of function names
  printf '%s\n' "$(declare -f $fns)" "$@" | sha256sum | cut -c1-16
}

build_busybox() {
  local image=corral/busybox:latest recipe
  recipe=$(recipe_of build_busybox)
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

# The Debian trees, removed on exit however the script ends (after unmounting anything left mounted
# in them, e.g. /proc by an interrupted chroot step).
ROOTFS=""
TREE=""
remove_rootfs() {
  [ -n "$ROOTFS" ] && [ -d "$ROOTFS" ] || return 0
  findmnt -rn -o TARGET | awk -v p="$ROOTFS/" 'index($0, p) == 1' | sort -r | while read -r m; do
    umount -l "$m" 2>/dev/null || true
  done
  rm -rf --one-file-system "$ROOTFS"
  ROOTFS=""
}
trap remove_rootfs EXIT

# Runs a command chrooted into a tree with /proc mounted, its output appended to $ROOTFS/DIR's name.log.
in_tree() { # in_tree DIR command...
  local root=$1 logfile=$ROOTFS/${1##*/}.log
  shift
  mount -t proc proc "$root/proc"
  if ! chroot "$root" "$@" >> "$logfile" 2>&1; then
    umount "$root/proc"
    tail -n 30 "$logfile" >&2
    log "failed in the $SUITE tree ${root##*/}: $*"
    exit 1
  fi
  umount "$root/proc"
}

# $ROOTFS/debian, made once per run of this script (every image built from Debian starts from a copy
# of it): minbase plus $BASE_PACKAGES, upgraded from -updates and -security, dpkg told to leave docs
# out of every install.
debian_tree() {
  [ -z "$ROOTFS" ] || return 0
  [ "$(id -u)" -eq 0 ] || { log "need root for debootstrap (runner and base images; CORRAL_SKIP_RUNNERS=1 skips the runners)"; exit 1; }
  if ! command -v debootstrap >/dev/null 2>&1; then
    log "installing debootstrap"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null
  fi
  ROOTFS=$(mktemp -d /var/tmp/corral-debian.XXXXXX)
  local root=$ROOTFS/debian started=$SECONDS
  log "debootstrap $SUITE ($BASE_PACKAGES) from $DEBIAN_MIRROR"
  debootstrap --variant=minbase --include="$BASE_PACKAGES" "$SUITE" "$root" "$DEBIAN_MIRROR" \
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
deb $DEBIAN_MIRROR $SUITE main
deb $DEBIAN_MIRROR $SUITE-updates main
deb $DEBIAN_SECURITY_MIRROR $SUITE-security main
SOURCES
  log "apt-get upgrade from $SUITE-updates and -security"
  in_tree "$root" apt-get update -qq
  in_tree "$root" env DEBIAN_FRONTEND=noninteractive apt-get -y -qq -o Dpkg::Options::=--force-confold upgrade
  log "Debian tree ready in $((SECONDS - started)) s"
}

# A copy of the Debian tree at $ROOTFS/NAME (its path in TREE), with packages installed without
# recommends. (Not called in $(...): the Debian tree must be made by this shell, once.)
derive_tree() { # derive_tree NAME [package ...]
  debian_tree
  local root=$ROOTFS/$1
  TREE=$root
  shift
  cp -a "$ROOTFS/debian" "$root"
  if [ $# -gt 0 ]; then
    log "apt-get install $* (${root##*/})"
    in_tree "$root" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@"
  fi
}

# Removes what an image does not need from a tree: apt lists and caches, docs (but copyright files),
# man and info pages, translations, logs, device nodes, files the engine provides.
slim_tree() { # slim_tree DIR
  local root=$1
  chroot "$root" apt-get clean
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
}

# Slims a tree, imports it as an image and removes it: import_tree DIR IMAGE RECIPE MESSAGE. The image
# the tag named before is removed, unless something still uses it.
import_tree() {
  local root=$1 image=$2 old
  slim_tree "$root"
  old=$("$DOCKER" image inspect --format '{{.Id}}' "$image" 2>/dev/null || true)
  log "importing $image ($(du -sh --apparent-size "$root" | cut -f1) rootfs)"
  tar --numeric-owner --xattrs -C "$root" -c . | "$DOCKER" import \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'ENV LANG=C.UTF-8' \
    --change 'CMD ["bash"]' \
    --change "LABEL corral.dev/recipe=$3" \
    --message "$4" - "$image" >/dev/null
  rm -rf --one-file-system "$root"
  if [ -n "$old" ] && [ "$old" != "$("$DOCKER" image inspect --format '{{.Id}}' "$image")" ]; then
    "$DOCKER" rmi "$old" >/dev/null 2>&1 || true
  fi
}

# What every image from the Debian tree is made with: part of each one's recipe.
DEBIAN_RECIPE="in_tree debian_tree derive_tree slim_tree import_tree remove_rootfs"

build_runner_base() { # $1: image name, tagged with its recipe
  local image=$1 started=$SECONDS
  # shellcheck disable=SC2086 # a list of packages
  derive_tree runner $RUNNER_PACKAGES
  import_tree "$TREE" "$image" "${image##*:}" "corral runner base: debootstrap $SUITE $BASE_PACKAGES $RUNNER_PACKAGES"
  log "built $image in $((SECONDS - started)) s"
}

# corral/base-native and corral/base-jre.
build_bases() {
  local native=corral/base-native:latest jre=corral/base-jre:latest native_recipe jre_recipe started=$SECONDS built=""
  native_recipe=$(recipe_of "build_bases $DEBIAN_RECIPE" "$SUITE" "$BASE_PACKAGES")
  jre_recipe=$(recipe_of "build_bases $DEBIAN_RECIPE" "$SUITE" "$BASE_PACKAGES" "$JRE_PACKAGES")
  if [ "$(current "$native")" != "$native_recipe" ]; then
    derive_tree native
    built=1
    import_tree "$TREE" "$native" "$native_recipe" "corral base: debootstrap $SUITE $BASE_PACKAGES"
  fi
  if [ "$(current "$jre")" != "$jre_recipe" ]; then
    # shellcheck disable=SC2086 # a list of packages
    derive_tree jre $JRE_PACKAGES
    built=1
    in_tree "$TREE" java -version
    in_tree "$TREE" setpriv --version
    import_tree "$TREE" "$jre" "$jre_recipe" "corral JRE base: debootstrap $SUITE $BASE_PACKAGES $JRE_PACKAGES"
  fi
  [ -z "$built" ] || log "bases built in $((SECONDS - started)) s"
}

build_runners() {
  if [ "${CORRAL_SKIP_RUNNERS:-}" = 1 ]; then
    log "CORRAL_SKIP_RUNNERS=1: runner images skipped"
    return
  fi
  # The base's own recipe: the functions making it and what it installs, from where not included.
  local base_recipe base runner_recipe
  base_recipe=$(recipe_of "build_runner_base $DEBIAN_RECIPE" "$SUITE" "$BASE_PACKAGES" "$RUNNER_PACKAGES")
  base=corral/runner-base:$base_recipe
  runner_recipe=$(
    cd "$HERE"
    { recipe_of build_runners "$base_recipe"
      find runner -type f ! -path '*/__pycache__/*' ! -name '*.pyc' -print0 | LC_ALL=C sort -z | xargs -0 sha256sum
    } | sha256sum | cut -c1-16
  )
  local kind kinds=()
  for kind in bash python node; do
    [ "$(current "corral/runner-$kind:latest")" = "$runner_recipe" ] || kinds+=("$kind")
  done
  [ ${#kinds[@]} -gt 0 ] || return 0

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

targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(busybox bases runners)
for target in "${targets[@]}"; do
  case "$target" in
    busybox) build_busybox ;;
    runners) build_runners ;;
    bases) build_bases ;;
    *) log "unknown image set $target (busybox, runners, bases)"; exit 2 ;;
  esac
done
log "images ready"
