#!/usr/bin/env python3
"""A burst of runs from kept-alive connections, as an agent platform's service sends them: PARALLEL
threads, each holding one HTTP connection, post RUNS runs between them (POST /runs?wait=true of BODY)
until all have answered. No client process per run (the `xargs -P curl` burst starts one each, whose CPU
competes with the engine's on a small machine). Called by bench/runs-bench.sh (throughput mode full-ka).

    burst_client.py PORT RUNS PARALLEL BODY OUTDIR

Writes OUTDIR/N.json (each answer, N from 1) and OUTDIR/codes (the HTTP codes, one per line).
"""
import http.client
import itertools
import sys
import threading

port, runs, parallel, body_file, out = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5]
body = open(body_file, "rb").read()
numbers = itertools.count(1)
lock = threading.Lock()
codes = []


def client():
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    while True:
        with lock:
            n = next(numbers)
        if n > runs:
            break
        try:
            conn.request("POST", "/runs?wait=true&timeout=300s", body=body,
                         headers={"Content-Type": "application/json"})
            r = conn.getresponse()
            data, code = r.read(), r.status
        except (OSError, http.client.HTTPException) as e:
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
            data, code = str(e).encode(), 0
        with open(f"{out}/{n}.json", "wb") as f:
            f.write(data)
        with lock:
            codes.append(code)
    conn.close()


threads = [threading.Thread(target=client) for _ in range(parallel)]
for t in threads:
    t.start()
for t in threads:
    t.join()
with open(f"{out}/codes", "w") as f:
    f.writelines(f"{c}\n" for c in codes)
