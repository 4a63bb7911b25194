#!/usr/bin/env bash
# Builds the images Corral's examples and tests use, from Debian packages, without any
# registry. An image is rebuilt only when it is missing or its recipe (this script) changed.
#
#   corral/busybox:latest  busybox (sh, httpd, wget, nc, sleep, ...) and nothing else
set -euo pipefail
DOCKER=${DOCKER:-/usr/bin/docker}
recipe=$(sha256sum "$0" | cut -c1-16)

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

build_busybox
log "images ready"
