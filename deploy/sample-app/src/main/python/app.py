#!/usr/bin/env python3
"""The sample app without a JVM: Python 3 standard library only, for the generic local target and the scale
benchmark (a few MB of memory per instance instead of a JVM's ~60).

Same contract as the Java sample app (dev.cutover.sampleapp.SampleApp), its core:
  GET /         -> 200 "version=<v> slot=<s>" (X-Cutover-Version header); SAMPLE_ERROR_RATE: exactly that share of
                   requests answer 500, evenly spread; SAMPLE_LATENCY_MS: a delay per request
  GET /health, GET /ready -> 200 "ok" (503 with SAMPLE_FAIL_HEALTH=true)
  GET /metrics  -> Prometheus text: requests_total / errors_total by path
  POST /fault?error-rate=0.2&latency-ms=500&fail-health=true -> changes the faults while it runs
Port: --port N, else $PORT (the provisioner sets both when app.command says --port {port}). Binds 127.0.0.1.
"""
import argparse
import math
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

PATHS = ("/", "/health", "/ready", "/metrics", "/fault")


class State:
    def __init__(self):
        self.version = os.environ.get("CUTOVER_VERSION", "0.0.0")
        self.slot = os.environ.get("CUTOVER_SLOT")
        self.error_rate = rate(os.environ.get("SAMPLE_ERROR_RATE", "0"))
        self.latency_ms = int(os.environ.get("SAMPLE_LATENCY_MS", "0") or 0)
        self.fail_health = os.environ.get("SAMPLE_FAIL_HEALTH", "false").lower() == "true"
        self.root_requests = 0
        self.requests = {p: 0 for p in PATHS}
        self.errors = {p: 0 for p in PATHS}
        self.lock = threading.Lock()


def rate(value):
    r = float(value or 0)
    if r < 0 or r > 1:
        raise ValueError("SAMPLE_ERROR_RATE must be between 0.0 and 1.0, was %s" % value)
    return r


STATE = State()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "cutover-sample-py"

    def log_message(self, fmt, *args):  # quiet: one line per request would flood the instance log
        pass

    def do_GET(self):
        self.route()

    def do_POST(self):
        self.route()

    def route(self):
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        url = urlsplit(self.path)
        key = url.path if url.path in PATHS else None
        if key == "/":
            status = self.root()
        elif key in ("/health", "/ready"):
            status = self.send(503, "failing\n") if STATE.fail_health else self.send(200, "ok\n")
        elif key == "/metrics":
            status = self.send(200, metrics(), "text/plain; version=0.0.4; charset=utf-8")
        elif key == "/fault":
            status = self.fault(url.query)
        else:
            status = self.send(404, "not found: %s\n" % url.path)
        if key is not None:
            with STATE.lock:
                STATE.requests[key] += 1
                if status >= 500:
                    STATE.errors[key] += 1

    def root(self):
        with STATE.lock:
            STATE.root_requests += 1
            n = STATE.root_requests
        if STATE.latency_ms > 0:
            time.sleep(STATE.latency_ms / 1000.0)
        r = STATE.error_rate
        if r > 0 and math.floor(n * r) > math.floor((n - 1) * r):
            return self.send(500, "injected error (SAMPLE_ERROR_RATE=%s) version=%s\n" % (r, STATE.version))
        body = "version=" + STATE.version + (" slot=" + STATE.slot if STATE.slot else "") + "\n"
        return self.send(200, body)

    def fault(self, query):
        if self.command != "POST":
            return self.send(405, "POST /fault?error-rate=&latency-ms=&fail-health=\n")
        try:
            for name, values in parse_qs(query, keep_blank_values=True).items():
                value = values[-1]
                if name == "error-rate":
                    STATE.error_rate = rate(value)
                elif name == "latency-ms":
                    STATE.latency_ms = int(value or 0)
                elif name == "fail-health":
                    STATE.fail_health = value.lower() == "true"
                else:
                    return self.send(400, "unknown fault '%s'; known: [error-rate, latency-ms, fail-health]\n" % name)
        except ValueError as e:
            return self.send(400, "%s\n" % e)
        return self.send(200, "error-rate=%s latency-ms=%s fail-health=%s\n"
                         % (STATE.error_rate, STATE.latency_ms, str(STATE.fail_health).lower()))

    def send(self, status, body, content_type="text/plain; charset=utf-8"):
        data = body.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("X-Cutover-Version", STATE.version)
        self.end_headers()
        self.wfile.write(data)
        return status


def metrics():
    lines = ["# TYPE requests_total counter"]
    with STATE.lock:
        for p in PATHS:
            lines.append('requests_total{path="%s"} %d' % (p, STATE.requests[p]))
        lines.append("# TYPE errors_total counter")
        for p in PATHS:
            lines.append('errors_total{path="%s"} %d' % (p, STATE.errors[p]))
    return "\n".join(lines) + "\n"


def main():
    parser = argparse.ArgumentParser(description="Cutover's sample app (Python)")
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8080")))
    args = parser.parse_args()
    ThreadingHTTPServer.daemon_threads = True
    ThreadingHTTPServer.allow_reuse_address = True
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    print("sample-app (python) version=%s slot=%s listening on 127.0.0.1:%d"
          % (STATE.version, STATE.slot, args.port), flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
