#!/usr/bin/env python3
"""Fake HOSTKEY invapi server for tests (python3 standard library only).

    python3 server.py --port 0 --port-file PATH [--state-file FIXTURE.json] [--verbose]

Listens on 127.0.0.1 only. API modules are PHP-style scripts matched on the last path
segment (`/auth.php`, `/api/auth.php`, ...); test controls live under `/_control/`.
See README.md.
"""

import argparse
import json
import os
import signal
import socket
import sys
import threading
import time
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

HERE = os.path.dirname(os.path.abspath(__file__))
if HERE not in sys.path:
    sys.path.insert(0, HERE)

from handlers import KNOWN_MODULES, dispatch, raise_renewal  # noqa: E402
from phpform import mask, merge_request, parse_qs_php  # noqa: E402
from state import State  # noqa: E402
import shapes  # noqa: E402

HOST = "127.0.0.1"  # never bind anything else
FAULT_KINDS = ("delay", "status", "body", "close")


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "FakeHostkeyInvapi/1.0"
    # The headers and the body go out as two writes; with Nagle on, the body
    # waits for the client's delayed ACK (about 40 ms a call on a kept-alive
    # connection), a stall invapi's servers do not have.
    disable_nagle_algorithm = True

    # Never log request lines: they may carry `key=` or `token=` in the query string.
    def log_message(self, fmt, *args):
        pass

    def do_GET(self):
        self.handle_any()

    do_POST = do_PUT = do_DELETE = do_HEAD = do_GET

    # ---------------------------------------------------------------- plumbing
    def read_body(self):
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def send(self, status, body, content_type="application/json", headers=None):
        data = body if isinstance(body, bytes) else (
            json.dumps(body).encode() if not isinstance(body, str) else body.encode())
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, str(value))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def drop_connection(self):
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def verbose(self, text):
        if self.server.verbose:
            sys.stderr.write(f"[fake-hostkey] {text}\n")

    def handle_any(self):
        try:
            url = urlsplit(self.path)
            segments = [s for s in url.path.split("/") if s]
            body = self.read_body()
            if "_control" in segments:
                name = "/".join(segments[segments.index("_control") + 1:])
                return self.control(name, url.query, body)
            last = segments[-1] if segments else ""
            module = last[:-4] if last.endswith(".php") else None
            if module not in KNOWN_MODULES:
                return self.send(404, "Not Found", "text/plain")
            return self.api(module, url, body)
        except (ConnectionError, TimeoutError):
            self.close_connection = True
        except Exception:  # a bug in the fake: answer 500, print the traceback (no locals)
            traceback.print_exc(file=sys.stderr)
            try:
                self.send(500, {"code": -1, "message": "fake server internal error"})
            except OSError:
                self.close_connection = True

    # ---------------------------------------------------------------- API
    def api(self, module, url, body):
        st = self.server.state
        query = parse_qs_php(url.query)
        ctype = self.headers.get("Content-Type", "").lower()
        form = parse_qs_php(body) if (not ctype or "x-www-form-urlencoded" in ctype) else {}
        params = merge_request(query, form)
        action = params.get("action") if isinstance(params.get("action"), str) else ""

        fault = st.take_fault(module, action, params)
        st.record_call({"method": self.command, "path": url.path, "module": module,
                        "action": action, "params": mask(params),
                        "fault": fault["kind"] if fault else None})
        self.verbose(f"{self.command} {module}/{action}" + (f" fault={fault['kind']}" if fault else ""))
        # A round trip to invapi, for every call (scale tests; 0 = none).
        call_delay_ms = st.settings.get("call_delay_ms") or 0
        if call_delay_ms:
            time.sleep(call_delay_ms / 1000.0)
        if fault and fault.get("delay_ms"):
            time.sleep(fault["delay_ms"] / 1000.0)
        late = bool(fault) and fault.get("when") == "after"
        if fault and not late and self.apply_fault(fault):
            return
        with st.lock:
            answer = dispatch(st, module, action, params)
            if shapes.enabled(st):
                answer = shapes.reshape(st, module, action, params, answer)
        if late and self.apply_fault(fault):
            return
        self.send(200, answer)

    def apply_fault(self, fault):
        """Answer according to the fault; False when the call should go on normally."""
        kind = fault["kind"]
        if kind == "close":
            self.drop_connection()
        elif kind == "status":
            status = int(fault.get("status") or 500)
            self.send(status, fault.get("body", f"Injected fault: HTTP {status}"),
                      fault.get("content_type", "text/plain"), fault.get("headers"))
        elif kind == "body":
            self.send(int(fault.get("status") or 200), fault.get("body", ""),
                      fault.get("content_type", "application/json"), fault.get("headers"))
        else:
            return False
        return True

    # ---------------------------------------------------------------- /_control/
    def control(self, name, query, body):
        st = self.server.state
        try:
            data = json.loads(body) if body.strip() else {}
        except ValueError:
            return self.send(400, {"error": "body is not JSON"})
        method = self.command
        if name == "state" and method == "GET":
            return self.send(200, st.snapshot())
        if name == "calls" and method == "GET":
            filters = parse_qs_php(query)
            with st.lock:
                calls = [c for c in st.calls
                         if all(c.get(k) == filters[k] for k in ("module", "action") if k in filters)]
                return self.send(200, {"calls": calls})
        if name == "reset" and method == "POST":
            posted = data.get("state", data if "accounts" in data else None)
            if posted is not None and not isinstance(posted, dict):
                return self.send(400, {"error": "state must be an object"})
            st.reset(posted)
            return self.send(200, {"result": "OK", "source": "posted" if posted else "fixture"})
        if name == "fault" and method == "POST":
            return self.control_fault(data)
        if name == "catalogue" and method == "POST":
            presets = data if isinstance(data, list) else data.get("presets")
            if not isinstance(presets, list):
                return self.send(400, {"error": "expected {\"presets\": [...]}"})
            with st.lock:
                st.data["presets"] = presets
            return self.send(200, {"result": "OK", "count": len(presets)})
        if name == "renewal" and method == "POST":
            with st.lock:
                invoice = raise_renewal(st, data.get("server_id"))
            if invoice is None:
                return self.send(404, {"error": "no such server"})
            return self.send(200, {"result": "OK", "invoice_id": invoice["id"]})
        if name == "settings" and method == "POST":
            if not isinstance(data, dict):
                return self.send(400, {"error": "expected a JSON object of settings"})
            with st.lock:
                st.data["settings"].update(data)
                return self.send(200, {"result": "OK", "settings": dict(st.data["settings"])})
        if name == "expire_tokens" and method == "POST":
            return self.send(200, {"result": "OK", "expired": st.expire_tokens()})
        return self.send(404, {"error": f"unknown control endpoint {method} /_control/{name}"})

    def control_fault(self, data):
        st = self.server.state
        if data.get("clear"):
            with st.lock:
                st.faults.clear()
            return self.send(200, {"result": "OK", "faults": []})
        kind = data.get("kind")
        times = data.get("times", 1)
        if kind not in FAULT_KINDS:
            return self.send(400, {"error": f"kind must be one of {list(FAULT_KINDS)}"})
        if not isinstance(times, int) or times == 0 or times < -1:
            return self.send(400, {"error": "times must be a positive integer or -1 (always)"})
        if data.get("when", "before") not in ("before", "after"):
            return self.send(400, {"error": "when must be 'before' or 'after'"})
        fault = {"module": data.get("module"), "action": data.get("action"), "kind": kind,
                 "times": times, "delay_ms": int(data.get("delay_ms") or 0),
                 "when": data.get("when", "before")}
        for opt in ("status", "body", "headers", "content_type", "id"):
            if opt in data:
                fault[opt] = data[opt]
        st.add_fault(fault)
        with st.lock:
            return self.send(200, {"result": "OK", "faults": list(st.faults)})


class FakeHostkeyServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, port=0, state_file=None, verbose=False):
        self.state = State(state_file)
        self.verbose = verbose
        super().__init__((HOST, port), Handler)

    @property
    def port(self):
        return self.server_address[1]

    def handle_error(self, request, client_address):
        if isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            return
        super().handle_error(request, client_address)


def write_port_file(path, port):
    tmp = f"{path}.tmp.{os.getpid()}"
    with open(tmp, "w", encoding="ascii") as f:
        f.write(f"{port}\n")
    os.replace(tmp, path)


def main(argv=None):
    ap = argparse.ArgumentParser(description="Fake HOSTKEY invapi server (127.0.0.1 only)")
    ap.add_argument("--port", type=int, default=0, help="0 = pick a free port")
    ap.add_argument("--port-file", help="write the chosen port here once listening")
    ap.add_argument("--state-file", help="fixture JSON to load instead of fixture.json")
    ap.add_argument("--verbose", action="store_true", help="log module/action per call")
    args = ap.parse_args(argv)

    server = FakeHostkeyServer(args.port, args.state_file, args.verbose)
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1},
                              daemon=True)
    thread.start()
    if args.port_file:
        write_port_file(args.port_file, server.port)
    sys.stderr.write(f"fake HOSTKEY API listening on http://{HOST}:{server.port}/\n")
    sys.stderr.flush()
    while not stop.wait(0.2):
        pass
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)
    if args.port_file:
        try:
            os.remove(args.port_file)
        except OSError:
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
