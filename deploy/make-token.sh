#!/usr/bin/env bash
# Prints a tokens-file line "<name> <role> <token>" with a new random token, and the token alone on
# stderr, and makes the file it is appended to fit for Corral's container (owned by uid 1000, 0600).
#
#   deploy/make-token.sh NAME ROLE >> deploy/tokens        # ROLE: read, run, write or admin
#
# A name already in that file is refused: Corral refuses a tokens file that names one twice.
set -euo pipefail
[ $# -eq 2 ] || { echo "usage: $0 NAME read|run|write|admin" >&2; exit 2; }
case "$2" in read|run|write|admin) ;; *) echo "unknown role: $2" >&2; exit 2 ;; esac
case "$1" in ''|*[[:space:]]*|'#'*) echo "a name is one word, not starting with #: '$1'" >&2; exit 2 ;; esac
out=$(readlink -f /proc/$$/fd/1 || true)
if [ -f "$out" ] && awk -v n="$1" '$1 == n { found = 1 } END { exit !found }' "$out"; then
  echo "$out already has a token named $1: choose another name, or remove its line first" >&2
  exit 1
fi
token=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
echo "$1 $2 $token"
echo "$token" >&2
# When stdout is a file, fix its owner and mode (Corral refuses a tokens file others can write).
if [ -f "$out" ]; then
  chmod 600 "$out"
  chown 1000:1000 "$out" 2>/dev/null || true
fi
