#!/usr/bin/env python3
"""Hostile-request driver for bench/hostile-bench.sh (standard library only).

Sends a bounded number of hostile HTTP requests (count and wall time both capped) to one
Corral on 127.0.0.1, over raw sockets so that any byte can be sent, and classifies every
answer: status code, 5xx, errors whose body is not Corral's JSON {"error": ...}, hangs
(no answer within the request timeout) and connections closed without an answer.

Payload classes mirror src/test/java/dev/corral/hostile/HostileGen.java: valid specs,
truncated ones, random bytes, alias bombs, YAML tags, deep nesting, huge strings, numbers at
and past every limit, wrong types, invalid Unicode, duplicate keys, thousands of documents,
path traversal in every path parameter, header and query garbage, and large bodies (for the
memory measurement). Requests that legitimately wait with the reconcile loop off (follow=true
on a pending run, a valid POST /execute) are not sent, except by --streams at the very end.

Prints a JSON summary on stdout.
"""
import argparse
import json
import random
import socket
import sys
import threading
import time
from collections import Counter

HOST = "127.0.0.1"


def quote(s, js):
    out = ['"']
    i = 0
    while i < len(s):
        c = s[i]
        o = ord(c)
        if c in '"\\':
            out.append("\\" + c)
        elif o < 0x20 or o == 0x7F or 0xD800 <= o <= 0xDFFF or (not js and (0x80 <= o <= 0x9F or o in (0xFEFF, 0xFFFE, 0xFFFF))):
            out.append("\\u%04x" % o)
        elif o > 0xFFFF:
            out.append(c)
        else:
            out.append(c)
        i += 1
    out.append('"')
    return "".join(out)


class Tok:
    def __init__(self, yaml, js=None):
        self.yaml, self.js = yaml, js if js is not None else yaml


def to_json(v):
    if v is None:
        return "null"
    if isinstance(v, Tok):
        return v.js
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, str):
        return quote(v, True)
    if isinstance(v, dict):
        return "{" + ",".join(quote(str(k), True) + ":" + to_json(x) for k, x in v.items()) + "}"
    if isinstance(v, list):
        return "[" + ",".join(to_json(x) for x in v) + "]"
    return str(v)


def to_yaml_flow(v):
    if v is None:
        return "null"
    if isinstance(v, Tok):
        return v.yaml
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, str):
        return quote(v, False)
    if isinstance(v, dict):
        return "{" + ", ".join(to_yaml_flow(str(k)) + ": " + to_yaml_flow(x) for k, x in v.items()) + "}"
    if isinstance(v, list):
        return "[" + ", ".join(to_yaml_flow(x) for x in v) + "]"
    return str(v)


def to_yaml(v):
    docs = v if isinstance(v, list) and v and all(isinstance(d, dict) for d in v) else [v]
    out = []
    for d in docs:
        out.append("---\n")
        if isinstance(d, dict) and d:
            for k, x in d.items():
                out.append(to_yaml_flow(k) + ": " + to_yaml_flow(x) + "\n")
        else:
            out.append(to_yaml_flow(d) + "\n")
    return "".join(out)


def enc(text):
    return text.encode("utf-8", "surrogatepass")


NUMBERS = [Tok("0"), Tok("-0"), Tok("2147483648"), Tok("9223372036854775808"), Tok("-9223372036854775809"),
           Tok("1" + "0" * 62), Tok("9" * 64), Tok("1" + "0" * 64), Tok("9" * 100), Tok("1e400"), Tok("1E+2"),
           Tok("1.0"), Tok("3.0000000000000000001"), Tok("1.7976931348623157e308"), Tok("1." + "0" * 70),
           Tok("0x10", "16"), Tok("1_000", "1000"), Tok(".nan", "NaN"), Tok(".inf", "Infinity"), Tok("1.0e+400", "1e400")]
TAGS = ["!!omap [{a: 1}, {b: 2}]", "!!set {a, b}", "!!binary aGVsbG8=", "!!timestamp 2001-12-14", "!!float 1",
        "!foo bar", "!!java.io.File [/etc/passwd]", "!!python/object/apply:os.system [id]", "!!pairs [{a: 1}]"]
LONE = ["\ud800", "\udfff", "a\udbffb", "\udc00"]
ODD = ["\u0000", "\u202eevil", "\ufeff", "\ufffe", "\U0001F600", "\u0085", "\u2028", "\x1b[31m", ""]
TRAVERSAL = ["..", "%2e%2e", "%2E%2E%2F", "..%2f..%2fetc%2fpasswd", "%00", "a%00b", "%c0%ae%c0%ae", "%ff", "%zz",
             ".", "%2F", "..%5c..%5c", "a;b", "*", "a" * 300, "%ED%A0%80", "x?y=1"]
FILE_PATHS = ["../../../../etc/passwd", "..%2f..%2fetc%2fpasswd", "%2fetc%2fpasswd", "a/../../b", "/etc/passwd",
              "a%00b", "%2e%2e/%2e%2e/x", "x" * 5000, "%ff%fe"]


class Gen:
    def __init__(self, prefix, r):
        self.p, self.r = prefix, r
        self.runs = []
        self.keys = []

    def name(self, k):
        return "%s-%s%d" % (self.p, k, self.r.randrange(12))

    def doc(self, kind, with_tool=True):
        r = self.r
        meta = {"name": self.name(kind[0].lower())}
        spec = {}
        if r.random() < 0.3:
            meta["labels"] = {k: "v%d" % r.randrange(4) for k in r.choice([["z", "a", "m"], ["app"], ["tier", "b", "k.io/z"]])}
        if kind == "Session":
            if r.random() < 0.5:
                spec["ttlSeconds"] = r.randrange(1, 100000)
        elif kind == "Tool":
            spec["image"] = "corral/busybox:v%d" % r.randrange(4)
            if r.random() < 0.5:
                spec["env"] = {"MODE": "m", "TEXT": r.choice(["plain", "\u00e9t\u00e9", "\u65e5\u672c"])}
        elif kind == "ToolRun":
            if with_tool:
                spec["tool"] = self.name("t")
                spec["parameters"] = {"text": "fox", "n": r.randrange(1000)}
            else:
                spec["language"] = r.choice(["bash", "python", "node"])
                spec["code"] = "echo %d" % r.randrange(3)
        elif kind == "Relic":
            meta["session"] = self.name("s")
            spec["image"] = "corral/busybox:latest"
        else:
            spec["image"] = "corral/busybox"
        return {"apiVersion": "corral.dev/v1", "kind": kind, "metadata": meta, "spec": spec}

    def body(self, cls, js):
        r = self.r
        d = self.doc(r.choice(["Tool", "ToolRun", "Session", "Relic"]))
        if cls == "valid":
            tree = [self.doc(r.choice(["Tool", "ToolRun", "Session", "Relic", "Agent"]), r.random() < 0.5) for _ in range(r.randrange(1, 4))]
        elif cls == "truncated":
            t = to_json([d]) if js else to_yaml([d])
            return enc(t[:r.randrange(max(1, len(t)))])
        elif cls == "random":
            n = r.randrange(1, 4096)
            return bytes(r.getrandbits(8) for _ in range(n)) if r.random() < 0.5 else \
                bytes(r.choice(b"{}[]:,-?&*!|>'\"%@`#\n\t ab1\\") for _ in range(n))
        elif cls == "alias":
            w, depth = r.choice([3, 9, 20]), r.choice([3, 6, 9])
            s = "a0: &a0 [" + "x," * (w - 1) + "x]\n"
            for i in range(1, depth + 1):
                s += "a%d: &a%d [" % (i, i) + ("*a%d," % (i - 1)) * (w - 1) + "*a%d]\n" % (i - 1)
            return enc(s)
        elif cls == "tags":
            d = self.doc("ToolRun")
            d["spec"]["parameters"] = {"v": Tok(r.choice(TAGS))}
            return enc(to_yaml(d))
        elif cls == "deep":
            depth = r.choice([60, 63, 64, 65, 100, 1000, 20000])
            # Written as text: a tree this deep would exceed Python's own recursion limit.
            opens = "".join(r.choice(["[", '{"k": ']) for _ in range(depth))
            text = opens + '"leaf"' + "".join("]" if o == "[" else "}" for o in reversed(opens.replace('{"k": ', "{")))
            d = self.doc("ToolRun")
            d["spec"]["parameters"] = {"deep": Tok(text)}
            tree = d
        elif cls == "huge":
            size = r.choice([32 * 1024 + 1, 64 * 1024 + 1, 1024 * 1024 + 1, 3 * 1024 * 1024])
            d = self.doc("Tool")
            d["spec"]["env"] = {"BIG": "x" * size}
            tree = d
        elif cls == "numbers":
            d = self.doc("ToolRun")
            where = r.randrange(4)
            n = r.choice(NUMBERS)
            if where == 0:
                d["spec"]["parameters"]["n"] = n
            elif where == 1:
                d["spec"]["timeoutSeconds"] = n
            elif where == 2:
                d["metadata"]["resourceVersion"] = n
            else:
                d = self.doc("Tool")
                d["spec"]["timeoutSeconds"] = n
            tree = d
        elif cls == "types":
            wrong = r.choice(["60", True, [1], {"a": 1}, None, 5, 1.5])
            key = r.choice(["metadata", "spec", "kind", "apiVersion"])
            d[key] = wrong
            tree = d
        elif cls == "unicode":
            lone, odd = r.choice(LONE), r.choice(ODD)
            d = self.doc("ToolRun")
            w = r.randrange(5)
            if w == 0:
                d["spec"]["parameters"] = {lone: 1}
            elif w == 1:
                d["spec"]["parameters"] = {"v": lone + odd}
            elif w == 2:
                d["metadata"]["annotations"] = {"a/b": lone}
            elif w == 3:
                t = (to_json(d) if js else to_yaml(d)).encode()
                at = r.randrange(len(t))
                return t[:at] + r.choice([b"\xc0\x80", b"\xed\xa0\x80", b"\xff", b"\xe2\x82"]) + t[at:]
            else:
                d["metadata"]["name"] = lone
            tree = d
        elif cls == "dupkeys":
            t = to_json(d) if js else to_yaml(d)
            t = t.replace('"kind":', '"kind":"Tool","kind":', 1) if js else t + '"kind": "Session"\n'
            return enc(t)
        elif cls == "many":
            n = r.choice([100, 1000, 3000])
            b = r.randrange(10 ** 6)
            tree = [{"apiVersion": "corral.dev/v1", "kind": "Tool", "metadata": {"name": "%s-m%d-%d" % (self.p, b, i)},
                     "spec": {"image": "corral/busybox"}} for i in range(n)]
        elif cls == "large":
            # Large bodies, for the memory measurement: up to just under the 8 MiB limit, or over it.
            size = r.choice([1, 2, 4, 7, 7, 9]) * 1024 * 1024 - r.randrange(1024)
            if r.random() < 0.5:
                d = self.doc("ToolRun", False)
                d["spec"]["code"] = "x" * min(size, 1024 * 1024)
                if size > 1024 * 1024:
                    d = self.doc("Tool")
                    d["metadata"]["annotations"] = {"a/b": "y" * 60000}
                    d["spec"]["env"] = {"E%d" % i: "z" * 30000 for i in range(size // 30000)}
            else:
                d = self.doc("ToolRun")
                d["spec"]["parameters"] = {"blob": "w" * size}
            tree = d
        else:
            raise ValueError(cls)
        return enc(to_json(tree) if js else to_yaml(tree))

    def request(self):
        r = self.r
        kind = r.choices(["put", "post_runs", "traversal", "headers", "query", "reads", "deletes", "execute", "run_actions"],
                         [30, 10, 12, 10, 8, 12, 6, 4, 8])[0]
        ct_json = {"Content-Type": "application/json"}
        if kind == "put":
            cls = r.choices(["valid", "truncated", "random", "alias", "tags", "deep", "huge", "numbers", "types", "unicode",
                             "dupkeys", "many", "large"], [14, 8, 8, 5, 6, 6, 6, 10, 8, 10, 5, 2, 3])[0]
            js = r.random() < 0.35 and cls not in ("alias", "tags")
            q = r.choice(["", "", "", "?dryRun=true", "?dryRun=maybe", "?wait=true&timeout=1ms"])
            ct = r.choice(["application/json"] if js else ["application/yaml", "application/x-yaml", "text/yaml"])
            chunk = cls == "large" and r.random() < 0.3
            h = {"Content-Type": ct}
            if chunk:
                h["Transfer-Encoding"] = "chunked"
            return "put " + cls, "PUT", "/specs" + q, h, self.body(cls, js)
        if kind == "post_runs":
            w = r.randrange(6)
            if w == 0:
                b = {"tool": self.name("t"), "parameters": {"n": r.choice(NUMBERS), "s": r.choice(ODD + LONE)}}
            elif w == 1:
                b = {"name": r.choice([None, True, 0, "UPPER", "../x", "a" * 70, "ok-%d" % r.randrange(9)]), "language": "bash", "code": "echo"}
            elif w == 2:
                b = self.doc(r.choice(["Tool", "Session", "Agent"]))
            elif w == 3:
                b = self.doc("ToolRun", r.random() < 0.5)
            elif w == 4:
                b = {"language": r.choice(["bash", "cobol", ""]), "code": "echo", "timeoutSeconds": r.choice(NUMBERS)}
            else:
                return "post_runs raw", "POST", "/runs", ct_json, self.body(r.choice(["random", "truncated", "deep", "unicode"]), True)
            return "post_runs %d" % w, "POST", "/runs" + r.choice(["", "", "?wait=maybe"]), ct_json, enc(to_json(b))
        if kind == "traversal":
            t = r.choice(TRAVERSAL)
            run = r.choice(self.runs) if self.runs and r.random() < 0.5 else r.choice(TRAVERSAL)
            w = r.randrange(6)
            if w == 0:
                return "traversal specs 3", r.choice(["GET", "DELETE", "HEAD"]), "/specs/%s/%s/%s" % (r.choice(["relic", "toolrun", t]), r.choice(TRAVERSAL), t), {}, None
            if w == 1:
                return "traversal specs 2", r.choice(["GET", "DELETE"]), "/specs/%s/%s" % (r.choice(["tool", "session", t]), t), {}, None
            if w in (2, 3):
                return "traversal files", r.choice(["GET", "HEAD"]), "/runs/%s/files/%s" % (run, r.choice(FILE_PATHS)), {}, None
            if w == 4:
                return "traversal run", r.choice(["GET", "DELETE"]), "/runs/" + t, {}, None
            return "traversal cancel", "POST", "/runs/%s/cancel" % t, {}, None
        if kind == "headers":
            w = r.randrange(8)
            h = {}
            if w == 0:
                h["Accept"] = r.choice(["", " ", "*/*;q=foo", "text/html", "application/yaml;q=2", "\x01"])
            elif w == 1:
                h["If-Match"] = r.choice(["", " ", 'W/"1"', "1", '"0001"', '"+1"', "*"])
            elif w == 2:
                h["X-Garbage"] = "a" * r.choice([100, 10000, 70000])
            elif w == 3:
                for i in range(r.choice([50, 500])):
                    h["X-H%d" % i] = "v"
            elif w == 4:
                h["X-Ctl"] = r.choice(["a\x00b", "a\x01b", "\xff\xfe"])
            elif w == 5:
                h["Origin"] = r.choice(["http://evil.example", "null"])
            elif w == 6:
                h["Content-Type"] = r.choice(["", "a/b/c", "application/yaml; charset=ebcdic", "application/json;;;"])
            else:
                h["Transfer-Encoding"] = r.choice(["chunked", "chunked, chunked"])
            if r.random() < 0.5 or w in (6, 7):
                h.setdefault("Content-Type", "application/yaml")
                return "headers put %d" % w, "PUT", "/specs", h, enc(to_yaml(self.doc("Tool")))
            h.pop("Transfer-Encoding", None)
            return "headers get %d" % w, "GET", r.choice(["/specs", "/sources", "/pools"]), h, None
        if kind == "query":
            if r.random() < 0.4:
                p = r.choice(["dryRun", "wait"])
                v = r.choice(["maybe", "", "1", "0", "yes", "%00"])
                # No bare "": with the loop off a real wait lasts its default 60 s, past the driver's 30 s.
                t = r.choice(["&timeout=2s", "&timeout=999999999999999999m", "&timeout=-1s", "&timeout=%00", "&timeout=1e3"])
                return "query put", "PUT", "/specs?%s=%s%s" % (p, v, t), {"Content-Type": "application/yaml"}, enc(to_yaml(self.doc("Session")))
            q = r.choice(["kind=Pod", "kind=%zz", "selector=a=b=c", "selector=!", "selector=" + "a," * 3000, "session=%00",
                          "x=" + "a" * 5000, "%", "&&&", "kind=tool%"])
            return "query get", "GET", "/specs?" + q, {}, None
        if kind == "reads":
            accept = r.choice(["application/json", "application/yaml", "text/yaml", "*/*"])
            if self.keys and r.random() < 0.5:
                k = r.choice(self.keys)
                return "read one", "GET", "/specs/" + k, {"Accept": accept}, None
            return "read list", "GET", r.choice(["/specs", "/sources", "/pools", "/q/health/ready"]), {"Accept": accept}, None
        if kind == "deletes":
            if self.keys and r.random() < 0.7:
                return "delete known", "DELETE", "/specs/" + r.choice(self.keys), {}, None
            return "delete unknown", "DELETE", "/specs/tool/" + self.name("x"), {}, None
        if kind == "execute":
            b = r.choice([{"language": "cobol", "code": "x"}, {"code": 5}, [], "str", {"language": "bash"},
                          {"language": "bash", "code": "x", "timeout": -1}, {"language": "bash", "code": ""}])
            return "execute invalid", "POST", "/execute", ct_json, enc(to_json(b))
        run = r.choice(self.runs) if self.runs else self.name("run")
        w = r.randrange(4)
        if w == 0:
            return "cancel", "POST", "/runs/%s/cancel" % run, {}, None
        if w == 1:
            return "logs", "GET", "/runs/%s/logs%s" % (run, r.choice(["", "?timestamps=true", "?follow=maybe"])), {}, None
        if w == 2:
            return "run", "GET", "/runs/" + run, {}, None
        return "delete run", "DELETE", "/runs/" + run, {}, None


def build(method, target, port, headers, body):
    lines = ["%s %s HTTP/1.1" % (method, target)]
    if not any(k.lower() == "host" for k in headers):
        lines.append("Host: localhost:%d" % port)
    lines.append("Connection: close")
    te = next((v for k, v in headers.items() if k.lower() == "transfer-encoding"), None)
    for k, v in headers.items():
        lines.append(k + ":" + (" " + v if v else ""))
    chunked = te is not None and "chunked" in te.lower()
    if body is not None and not chunked:
        lines.append("Content-Length: %d" % len(body))
    head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1", "replace")
    if body is None:
        return head
    if chunked:
        size = 65536 if len(body) > 1 << 20 else 7
        parts = [b"%x\r\n%s\r\n" % (len(body[i:i + size]), body[i:i + size]) for i in range(0, len(body), size)]
        return head + b"".join(parts) + b"0\r\n\r\n"
    return head + body


def exchange(port, data, timeout):
    deadline = time.monotonic() + timeout
    s = socket.create_connection((HOST, port), timeout=5)
    try:
        s.settimeout(timeout)
        try:
            s.sendall(data)
        except OSError:
            pass  # answered early (413, 431) and closed: read what it said
        buf = bytearray()
        head_end, length = -1, None
        while True:
            if time.monotonic() > deadline:
                return None, {}, b"", "hang"
            try:
                chunk = s.recv(65536)
            except socket.timeout:
                return None, {}, b"", "hang"
            except OSError:
                chunk = b""
            if not chunk:
                break
            buf += chunk
            if head_end < 0:
                head_end = buf.find(b"\r\n\r\n")
                if head_end >= 0:
                    hdrs = {}
                    for line in bytes(buf[:head_end]).decode("latin-1").split("\r\n")[1:]:
                        if ":" in line:
                            k, v = line.split(":", 1)
                            hdrs[k.strip().lower()] = v.strip()
                    if "content-length" in hdrs:
                        length = int(hdrs["content-length"])
            if head_end >= 0 and length is not None and len(buf) - head_end - 4 >= length:
                break
        if head_end < 0:
            return None, {}, b"", "closed without an answer"
        status_line = bytes(buf[:buf.find(b"\r\n")]).decode("latin-1")
        status = int(status_line.split(" ")[1])
        hdrs = {}
        for line in bytes(buf[:head_end]).decode("latin-1").split("\r\n")[1:]:
            if ":" in line:
                k, v = line.split(":", 1)
                hdrs[k.strip().lower()] = v.strip()
        body = bytes(buf[head_end + 4:])
        if hdrs.get("transfer-encoding", "").lower() == "chunked":
            out, i = bytearray(), 0
            while i < len(body):
                j = body.find(b"\r\n", i)
                if j < 0:
                    break
                n = int(body[i:j].split(b";")[0] or b"0", 16)
                if n == 0:
                    break
                out += body[j + 2:j + 2 + n]
                i = j + 2 + n + 2
            body = bytes(out)
        return status, hdrs, body, None
    finally:
        s.close()


def json_error(hdrs, body):
    if not hdrs.get("content-type", "").lower().startswith("application/json"):
        return False
    try:
        v = json.loads(body)
        return isinstance(v, dict) and isinstance(v.get("error"), str)
    except ValueError:
        return False


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--requests", type=int, default=10000)
    ap.add_argument("--max-seconds", type=float, default=900)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--workers", type=int, default=4)
    ap.add_argument("--timeout", type=float, default=30)
    ap.add_argument("--streams", type=int, default=0, help="at the end: open this many follow streams and probe health")
    a = ap.parse_args()

    lock = threading.Lock()
    statuses, problems, examples, by_class = Counter(), Counter(), {}, Counter()
    sent = [0]
    start = time.monotonic()
    rnd = random.Random(a.seed)

    def worker(wid):
        gen = Gen("hb%d" % wid, random.Random(rnd.random() + wid))
        while True:
            with lock:
                if sent[0] >= a.requests or time.monotonic() - start > a.max_seconds:
                    return
                sent[0] += 1
            try:
                label, method, target, headers, body = gen.request()
            except Exception as e:  # a bug of this driver: counted, not fatal
                with lock:
                    problems["driver error: %s" % type(e).__name__] += 1
                continue
            try:
                status, hdrs, rbody, problem = exchange(a.port, build(method, target, a.port, headers, body), a.timeout)
            except OSError as e:
                status, hdrs, rbody, problem = None, {}, b"", "connect failed: %s" % e
            what = None
            if status is None:
                what = problem
            elif status >= 500:
                what = "5xx"
            elif status >= 400 and method != "HEAD" and not json_error(hdrs, rbody):
                what = "error body not JSON"
            elif not (200 <= status < 300 or 400 <= status < 500):
                what = "neither 2xx nor 4xx"
            with lock:
                statuses[str(status) if status else problem] += 1
                by_class[label.split(" ")[0]] += 1
                if what:
                    key = "%s: %s %s" % (what, label, status or "")
                    problems[key] += 1
                    examples.setdefault(key, "%s %s -> %s" % (method, target[:100], rbody[:160].decode("utf-8", "replace")))
            if status and 200 <= status < 300:
                try:
                    reply = json.loads(rbody)
                except ValueError:
                    reply = None
                if isinstance(reply, dict):
                    if method == "POST" and target.startswith("/runs") and "metadata" in reply:
                        gen.runs.append(reply["metadata"]["name"])
                    for it in reply.get("items", []) if method == "PUT" else []:
                        if isinstance(it, dict) and it.get("kind"):
                            k = it["kind"].lower()
                            gen.keys.append("%s/%s%s" % (k, (it["session"] + "/") if it.get("session") else "", it["name"]))
                    del gen.keys[:-200]

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(a.workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - start

    streams = None
    if a.streams:
        streams = probe_streams(a.port, a.streams)

    print(json.dumps({"sent": sent[0], "seconds": round(elapsed, 1), "statuses": dict(statuses), "classes": dict(by_class),
                      "problems": dict(problems), "examples": examples, "streams": streams}))


def probe_streams(port, n):
    """Finding 3: n follow streams on a pending run; do health and the API still answer? Do closed streams free them?"""
    status, _, body, _ = exchange(port, build("POST", "/runs", port, {"Content-Type": "application/json"},
                                              b'{"language":"bash","code":"echo"}'), 10)
    if status != 201:
        return {"error": "could not post a run: %s" % status}
    name = json.loads(body)["metadata"]["name"]
    req = ("GET /runs/%s/logs?follow=true HTTP/1.1\r\nHost: localhost:%d\r\nAccept: text/event-stream\r\n\r\n" % (name, port)).encode()
    socks = []
    for _ in range(n):
        s = socket.create_connection((HOST, port), timeout=5)
        s.sendall(req)
        socks.append(s)

    def health():
        out = {}
        for path in ["/q/health/ready", "/specs", "/pools"]:
            try:
                st, _, _, problem = exchange(port, build("GET", path, port, {}, None), 5)
                out[path] = st if st else problem
            except OSError as e:
                out[path] = str(e)
        return out

    during = health()
    answered = Counter()
    for s in socks:
        s.settimeout(0.02)
        try:
            line = s.recv(64).split(b"\r\n")[0].decode("latin-1")
            answered[line.split(" ")[1] if " " in line else "closed"] += 1
        except socket.timeout:
            answered["none yet"] += 1
        except OSError:
            answered["reset"] += 1
    for s in socks:
        s.close()
    time.sleep(2)  # a moment for the server to notice the clients went away; the result is what it then does
    after = health()
    return {"streams": n, "answers": dict(answered), "health_during": during, "health_after_close": after}


if __name__ == "__main__":
    sys.exit(main())
