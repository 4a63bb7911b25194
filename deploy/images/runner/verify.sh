#!/usr/bin/env bash
# Smoke test of a runner image, run the way Corral runs tool steps: read-only root filesystem,
# /tmp a tmpfs, a fresh volume on /workspace, no capabilities, no new privileges, no network,
# --init. Seeds data/{input,event,variables}.json, runs a one-line program that uses the helper
# for every part of the contract, reads output/{output,variables,condition}.json back, and checks
# the user is 1000:1000 and / is not writable.
#
#   deploy/images/runner/verify.sh bash|python|node [image]   # image: corral/runner-<kind>:latest
set -euo pipefail
DOCKER=${DOCKER:-/usr/bin/docker}
kind=$1
image=${2:-corral/runner-$kind:latest}

case "$kind" in
  bash)
    prog=(bash -c 'source /usr/local/bin/corral
      corral set-var count "$(( $(corral get-var count) + 1 ))"
      corral set-var tags '\''["a","b"]'\''
      corral set-condition "$( [ "$(corral input a)" = 1 ] && echo true || echo false )"
      jq -n --argjson a "$(corral input a)" --argjson b "$(corral input b)" --arg run "$(corral event run)" \
        --argjson nope "$(corral input nope | jq -s "first")" "{sum: (\$a + \$b), run: \$run, missing: \$nope}" | corral output') ;;
  python)
    prog=(python3 -c 'import corral; corral.set_variable("count", corral.get_variable("count") + 1); corral.set_variable("tags", ["a", "b"]); corral.set_condition(corral.input("a") == 1); corral.output({"sum": corral.input("a") + corral.input("b"), "run": corral.event("run"), "missing": corral.input("nope")})') ;;
  node)
    prog=(node -e 'const c = require("corral"); c.setVariable("count", c.getVariable("count") + 1); c.setVariable("tags", ["a", "b"]); c.setCondition(c.input("a") === 1); c.output({sum: c.input("a") + c.input("b"), run: c.event("run"), missing: c.input("nope")})') ;;
  *) echo "usage: $0 bash|python|node [image]" >&2; exit 2 ;;
esac

vol=corral-verify-$kind-$$
"$DOCKER" volume create "$vol" >/dev/null
trap '"$DOCKER" volume rm -f "$vol" >/dev/null 2>&1 || true' EXIT
run() {
  "$DOCKER" run --rm --read-only --tmpfs /tmp -v "$vol:/workspace" --cap-drop ALL \
    --security-opt no-new-privileges --network none --init "$@"
}
fail() { printf '[verify %s] FAIL: %s\n' "$kind" "$*" >&2; exit 1; }

# Seeding through the image itself: the empty volume takes /workspace's layout and ownership.
printf '{"a": 1, "b": 2}' | run -i "$image" bash -c \
  'cat > data/input.json && echo "{\"run\": \"r-1\"}" > data/event.json && echo "{\"count\": 41, \"keep\": \"me\"}" > data/variables.json'
run "$image" "${prog[@]}" || fail "program exited $?"
got=$(run "$image" bash -c 'cat output/output.json output/variables.json output/condition.json' | jq -cs .) \
  || fail "cannot read output/{output,variables,condition}.json"
want='[{"sum":3,"run":"r-1","missing":null},{"count":42,"keep":"me","tags":["a","b"]},{"condition":true}]'
jq -e --argjson got "$got" --argjson want "$want" -n '$got == $want' >/dev/null || fail "outputs $got, want $want"
who=$(run "$image" bash -c 'echo "$(id -u):$(id -g) $(stat -c %u:%g:%a /workspace/output)"; touch /probe 2>/dev/null && echo root-writable || echo root-read-only')
[ "$who" = "1000:1000 1000:1000:775
root-read-only" ] || fail "user/filesystem check: $who"
printf '[verify %s] ok: %s\n' "$kind" "$got" >&2
