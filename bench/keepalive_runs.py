#!/usr/bin/env python3
"""Warm runs timed as issue #13 defines them, "HTTP request in -> JSON result out": one kept-alive
HTTP connection, as an agent platform's service holds one, so no client process is started per run.
Interleaved, round by round, with `docker run --rm` of the same image and lock-down (a client process
per run: that is how the baseline is used). Called by bench/runs-bench.sh.

    keepalive_runs.py PORT RUNS WARMUP OUTDIR

Env: LOCKDOWN (the docker run flags, space-separated), BASH_IMAGE, PY_IMAGE, TOOL_IMAGE.
Writes OUTDIR/{corral,docker}-{bash,python,tool} (microseconds, one per line), OUTDIR/timing-{bash,python,tool}
("wall_us Server-Timing", as runs-bench.sh's breakdown reads them) and OUTDIR/anomalies (one JSON per line).
"""
import http.client
import json
import os
import subprocess
import sys
import time

port, runs, warmup, out = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
lockdown = os.environ["LOCKDOWN"].split()
conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

BODIES = {
    "bash": ({"language": "bash", "code": "echo hi", "timeoutSeconds": 30}, "hi"),
    "python": ({"language": "python", "code": "print(1)", "timeoutSeconds": 30}, "1"),
    "tool": ({"tool": "bench-grep", "parameters": {"text": "the quick brown fox"}}, "1"),
}
DOCKER = {
    "bash": (os.environ["BASH_IMAGE"], ["bash", "-c", "echo hi"], None, "hi"),
    "python": (os.environ["PY_IMAGE"], ["python3", "-c", "print(1)"], None, "1"),
    "tool": (os.environ["TOOL_IMAGE"], ["sh", "-c", "cat > /tmp/input.json && grep -c fox /tmp/input.json"],
             b'{"text":"the quick brown fox"}', "1"),
}


def request(method, path, body=None):
    headers = {"Content-Type": "application/json"} if body is not None else {}
    conn.request(method, path, body=body, headers=headers)
    r = conn.getresponse()
    return r, r.read()


def await_pools():
    until = time.monotonic() + 30
    while time.monotonic() < until:
        _, data = request("GET", "/pools")
        if all(p["idle"] == p["target"] for p in json.loads(data)):
            return
        time.sleep(0.05)
    print("warm pools not full after 30 s", file=sys.stderr)


def corral(lang, record):
    body, want = BODIES[lang]
    payload = json.dumps(body)
    t0 = time.perf_counter_ns()
    r, data = request("POST", "/runs?wait=true&timeout=60s", payload)
    t1 = time.perf_counter_ns()
    wall = (t1 - t0) // 1000
    reply = json.loads(data) if data else {}
    status = reply.get("status", {})
    if r.status != 201 or status.get("phase") != "Succeeded" or status.get("stdout", "").strip() != want \
            or status.get("pooled") is not True:
        with open(os.path.join(out, "anomalies"), "a") as f:
            f.write(json.dumps({"part": "latency keepalive, " + lang, "http": r.status, "name": reply.get(
                "metadata", {}).get("name"), "phase": status.get("phase"), "pooled": status.get("pooled"),
                "stdout": status.get("stdout"), "message": status.get("message")}) + "\n")
    if record:
        with open(os.path.join(out, "corral-" + lang), "a") as f:
            f.write("%d\n" % wall)
        timing = r.getheader("Server-Timing")
        if timing:
            with open(os.path.join(out, "timing-" + lang), "a") as f:
                f.write("%d %s\n" % (wall, timing))
    await_pools()


def docker(lang, record):
    image, cmd, stdin, want = DOCKER[lang]
    args = ["docker", "run", "--rm", "--label", "corral.bench/variant=runs-ref"] + lockdown + [image] + cmd
    if stdin is not None:
        args.insert(2, "-i")
    t0 = time.perf_counter_ns()
    p = subprocess.run(args, input=stdin, capture_output=True)
    t1 = time.perf_counter_ns()
    if p.stdout.decode().strip() != want:
        sys.exit("docker run %s: stdout %r, stderr %r" % (lang, p.stdout, p.stderr))
    if record:
        with open(os.path.join(out, "docker-" + lang), "a") as f:
            f.write("%d\n" % ((t1 - t0) // 1000))


await_pools()
for i in range(warmup + runs):
    for lang in ("bash", "python", "tool"):
        corral(lang, i >= warmup)
        docker(lang, i >= warmup)
    if i >= warmup and (i - warmup + 1) % 10 == 0:
        print("[bench] latency keepalive: %d of %d rounds" % (i - warmup + 1, runs), file=sys.stderr)
