#!/usr/bin/env bash
# Hostile-input benchmark (issue: the hostile-input probe). Against the packaged application with
# the reconcile loop off (no Docker needed), a data directory of its own and a free port on
# 127.0.0.1:
#   1. ~10 000 hostile requests of every class of src/test/java/dev/corral/hostile/HostileGen
#      (bench/hostile_driver.py: valid and truncated specs, random bytes, alias bombs, tags, deep
#      nesting, huge strings, numbers past every limit, wrong types, invalid Unicode, duplicate
#      keys, thousands of documents, path traversal, header and query garbage, large bodies),
#      bounded in count and in time; per-status counts, 5xx, error bodies that are not JSON, hangs;
#   2. the process's RSS (VmRSS, and its peak VmHWM) before and after;
#   3. 230 follow streams on a pending run at the end (finding 3): do health and the API answer?
#   4. kill -9 and a restart: does the store load, and list the same bytes as before the kill?
#
#   bench/hostile-bench.sh                     # results on stdout and in bench/results/hostile.md
#   REQUESTS=2000 MAX_SECONDS=120 bench/hostile-bench.sh    # a shorter run
#
# Needs: java, python3, curl. Sends traffic to 127.0.0.1 only.
set -euo pipefail
cd "$(dirname "$0")/.."
REQUESTS=${REQUESTS:-10000}
MAX_SECONDS=${MAX_SECONDS:-900}
SEED=${SEED:-1}
export WORKERS=${WORKERS:-4}
STREAMS=${STREAMS:-230}
JAR=target/quarkus-app/quarkus-run.jar
[ -f "$JAR" ] || ./mvnw -B -q package -DskipTests
WORK=$(mktemp -d /tmp/corral-hostile-bench.XXXXXX)
INSTANCE=hostile-bench
# shellcheck source=bench/lib.sh
source bench/lib.sh
trap 'stop_corral; [ -n "${KEEP_WORK:-}" ] || rm -rf "$WORK"' EXIT


# Like lib.sh's start_corral, but a Corral that dies at start-up is a result here, not an exit.
try_start() {
  local data=$1; shift
  PORT=$(free_port)
  echo "=== start $(date +%H:%M:%S) $*" >>"$WORK/corral.log"
  # shellcheck disable=SC2086 # JAVA_OPTS is a list of options (bench/lib.sh: deploy/jvm.options)
  java $JAVA_OPTS -Dcorral.data-dir="$data" -Dcorral.instance="$INSTANCE" -Dquarkus.http.host=127.0.0.1 -Dquarkus.http.port="$PORT" "$@" \
    -jar "$JAR" >>"$WORK/corral.log" 2>&1 &
  CORRAL_PID=$!
  for _ in $(seq 1200); do
    curl -sf "127.0.0.1:$PORT/q/health/ready" >/dev/null && return 0
    kill -0 "$CORRAL_PID" 2>/dev/null || { CORRAL_PID=; return 1; }
    sleep 0.05
  done
  return 1
}

log "starting Corral (reconcile off) in $WORK"
try_start "$WORK/data" -Dcorral.reconcile.enabled=false || { log "Corral did not start"; tail -30 "$WORK/corral.log" >&2; exit 1; }
rss_before=$(rss)
log "RSS before: ${rss_before} MiB; sending up to $REQUESTS hostile requests (at most ${MAX_SECONDS}s)"
python3 bench/hostile_driver.py --port "$PORT" --requests "$REQUESTS" --max-seconds "$MAX_SECONDS" --seed "$SEED" \
  --workers "$WORKERS" > "$WORK/driver.json"
alive_after=yes; kill -0 "$CORRAL_PID" 2>/dev/null || alive_after=no
rss_after=$( [ "$alive_after" = yes ] && rss || echo "-")
rss_peak=$( [ "$alive_after" = yes ] && hwm || echo "-")
# The serial collector gives freed heap back at a full collection; none may have run yet: ask for one.
rss_gc="-"
if [ "$alive_after" = yes ] && command -v jcmd >/dev/null; then
  jcmd "$CORRAL_PID" GC.run >/dev/null 2>&1 && rss_gc=$(rss)
fi
json_items=$(curl -s -m 60 -H 'Accept: application/json' "127.0.0.1:$PORT/specs" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["items"]))' 2>/dev/null || echo "unreadable")
yaml_code=$(curl -s -m 60 -o "$WORK/list.yaml" -w '%{http_code}' -H 'Accept: application/yaml' "127.0.0.1:$PORT/specs" || echo "none")
yaml_docs=$(grep -c '^apiVersion:' "$WORK/list.yaml" 2>/dev/null || echo 0)

log "probing $STREAMS follow streams on a pending run"
streams=$(python3 bench/hostile_driver.py --port "$PORT" --requests 0 --streams "$STREAMS" --timeout 10 2>/dev/null \
  | python3 -c 'import json,sys; print(json.dumps(json.load(sys.stdin)["streams"]))' || echo '"probe failed"')

# The listing to compare with after the restart: taken now, since the streams probe declared a run.
list_json=$(curl -s -m 60 -H 'Accept: application/json' "127.0.0.1:$PORT/specs" | sha256sum | cut -c1-16)
log "kill -9 and restart"
kill -9 "$CORRAL_PID"; wait "$CORRAL_PID" 2>/dev/null || true; CORRAL_PID=
t0=$(date +%s%N)
if try_start "$WORK/data" -Dcorral.reconcile.enabled=false; then
  restart="loads in $(( ($(date +%s%N) - t0) / 1000000 )) ms"
  list_after=$(curl -s -m 60 -H 'Accept: application/json' "127.0.0.1:$PORT/specs" | sha256sum | cut -c1-16)
  [ "$list_after" = "$list_json" ] && same="yes" || same="no ($list_json before, $list_after after)"
  stop_corral
else
  # The first error of the last start (the log holds every start, and bytes of the hostile values).
  why=$(awk '/^=== start/ { n = NR } { line[NR] = $0 } END { for (i = n; i <= NR; i++) print line[i] }' "$WORK/corral.log" \
    | grep -a -o -E 'StoreException: .*|ERROR.*' | sort -r | head -1 | tr -d '|`' | cut -c1-300 || true)
  restart="**does not load**: $why"
  same="-"
fi

mkdir -p bench/results
JAVA_OPTS="$JAVA_OPTS" python3 - "$WORK/driver.json" "$rss_before" "$rss_after" "$rss_peak" "$rss_gc" "$alive_after" "$json_items" "$yaml_code" \
  "$yaml_docs" "$restart" "$same" "$streams" > bench/results/hostile.md <<'PY'
import json, sys, subprocess, datetime, os
d = json.load(open(sys.argv[1]))
rss_before, rss_after, rss_peak, rss_gc, alive, json_items, yaml_code, yaml_docs, restart, same, streams = sys.argv[2:13]
java = subprocess.run(["java", "-version"], capture_output=True, text=True).stderr.splitlines()[0]
st = d["statuses"]
five = sum(v for k, v in st.items() if k.isdigit() and int(k) >= 500)
nojson = sum(v for k, v in d["problems"].items() if k.startswith("error body not JSON"))
hangs = sum(v for k, v in d["problems"].items() if k.startswith("hang"))
closed = sum(v for k, v in d["problems"].items() if k.startswith("closed") or k.startswith("connect"))
print("Hostile-input benchmark, %s, %d cores, %s" % (datetime.date.today(), os.cpu_count(), java))
print()
print("%d hostile requests in %.0f s (%d workers, seed from the script), reconcile loop off, JVM options: %s." % (d["sent"], d["seconds"], int(os.environ.get("WORKERS", "4")), os.environ.get("JAVA_OPTS", "").strip() or "the JVM's defaults"))
print()
print("| measure | result | target |")
print("|---|---|---|")
print("| 5xx answers | %d | 0 |" % five)
print("| error answers whose body is not Corral's JSON | %d | 0 |" % nojson)
print("| hangs (no answer within 30 s) | %d | 0 |" % hangs)
print("| closed without an answer | %d | 0 |" % closed)
print("| RSS before → after (peak) | %s MiB → %s MiB (%s MiB) | bounded |" % (rss_before, rss_after, rss_peak))
print("| RSS after a full collection (jcmd GC.run) | %s MiB | near the idle footprint |" % rss_gc)
print("| process alive after the run | %s | yes |" % alive)
print("| GET /specs: JSON items / YAML (status, documents) | %s / %s, %s | equal, 200 |" % (json_items, yaml_code, yaml_docs))
print("| %s follow streams on a pending run | %s | health and API answer |" % (json.loads(streams).get("streams", "-") if streams.startswith("{") else "-", streams.replace("|", "/")))
print("| kill -9, restart | %s | loads |" % restart)
print("| GET /specs before the kill = after the restart | %s | yes |" % same)
print()
print("Status codes: " + ", ".join("%s: %d" % (k, v) for k, v in sorted(st.items())))
print()
print("Requests by class: " + ", ".join("%s: %d" % (k, v) for k, v in sorted(d["classes"].items())))
print()
if d["problems"]:
    print("| problem (class, status) | count | example |")
    print("|---|---|---|")
    for k, v in sorted(d["problems"].items(), key=lambda x: -x[1]):
        ex = d["examples"][k].replace("|", "\\|").replace("\n", " ")
        print("| %s | %d | `%s` |" % (k.replace("|", "\\|"), v, ex[:200].replace("`", "'")))
PY
cat bench/results/hostile.md
