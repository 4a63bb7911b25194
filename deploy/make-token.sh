#!/usr/bin/env bash
# Prints a tokens-file line "<name> <role> <token>" with a new random token, and the token alone on
# stderr, and makes the file it is appended to fit for Corral's container (owned by uid 1000, 0600).
#
#   deploy/make-token.sh NAME ROLE >> deploy/tokens        # ROLE: read, run, write or admin
set -euo pipefail
[ $# -eq 2 ] || { echo "usage: $0 NAME read|run|write|admin" >&2; exit 2; }
case "$2" in read|run|write|admin) ;; *) echo "unknown role: $2" >&2; exit 2 ;; esac
token=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
echo "$1 $2 $token"
echo "$token" >&2
# When stdout is a file, fix its owner and mode (Corral refuses a tokens file others can write).
out=$(readlink -f /proc/$$/fd/1 || true)
if [ -f "$out" ]; then
  chmod 600 "$out"
  chown 1000:1000 "$out" 2>/dev/null || true
fi
