#!/bin/sh
# Runs inside `docker build` (as root, on corral/runner-base): adds the runner user, /workspace,
# and the helper library for one runner kind.
#
#   sh install.sh bash|python|node
set -eu
kind=$1
src=$(dirname "$0")/lib

groupadd --gid 1000 runner
useradd --uid 1000 --gid 1000 --home-dir /home/runner --create-home --shell /bin/bash --no-log-init runner
install -d -o 1000 -g 1000 -m 0775 /workspace /workspace/data /workspace/output /workspace/scripts

# The bash helper goes into every runner: bash and jq are in all of them.
install -m 0755 "$src/corral" /usr/local/bin/corral
case "$kind" in
  bash)
    bash -c 'source /usr/local/bin/corral && type corral >/dev/null'
    ;;
  python)
    install -m 0644 "$src/corral.py" /usr/lib/python3/dist-packages/corral.py
    python3 -B -c 'import corral; assert corral.__file__ == "/usr/lib/python3/dist-packages/corral.py"'
    ;;
  node)
    install -d -m 0755 /usr/lib/node_modules/corral
    install -m 0644 "$src/node/corral/index.js" "$src/node/corral/package.json" /usr/lib/node_modules/corral/
    NODE_PATH=/usr/lib/node_modules node -e 'require("assert").strictEqual(require.resolve("corral"), "/usr/lib/node_modules/corral/index.js")'
    ;;
  *)
    echo "install.sh: unknown runner kind: $kind" >&2
    exit 1
    ;;
esac
