"""Headless Chromium driven over the Chrome DevTools Protocol (Debian's
`chromium` and `python3-websocket`; nothing downloaded at test time).

The browser gets a private profile, and its resolver maps every name except
127.0.0.1 to NOTFOUND, so the pages can reach nothing outside this machine.
"""

import base64
import json
import os
import shutil
import subprocess
import tempfile
import time
import urllib.request

import websocket

CHROMIUM = os.environ.get("HKRM_CHROMIUM", "chromium")


class BrowserError(Exception):
    pass


class Browser:
    def __init__(self, width=1280, height=900):
        binary = shutil.which(CHROMIUM)
        if binary is None:
            raise BrowserError(f"{CHROMIUM} is not installed: run scripts/install-deps.sh (Debian's chromium)")
        self.profile = tempfile.mkdtemp(prefix="hkrm-chromium-")
        self.process = subprocess.Popen(
            [binary, "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
             "--no-default-browser-check", "--disable-background-networking", "--disable-component-update",
             "--disable-sync", "--disable-extensions", "--disable-default-apps", "--mute-audio",
             "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
             "--proxy-server=direct://", "--proxy-bypass-list=*",
             f"--user-data-dir={self.profile}", "--remote-debugging-address=127.0.0.1",
             "--remote-debugging-port=0", f"--window-size={width},{height}", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.events = []
        self.next_id = 0
        try:
            self.ws = websocket.create_connection(self._page_socket(), timeout=20, suppress_origin=True)
            for domain in ("Page", "Runtime", "Network"):
                self.call(domain + ".enable")
            self.call("Emulation.setDeviceMetricsOverride",
                      {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False})
        except Exception:
            self.close()
            raise

    def _page_socket(self):
        port_file = os.path.join(self.profile, "DevToolsActivePort")
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise BrowserError(f"chromium exited with status {self.process.returncode} at start")
            if os.path.exists(port_file):
                with open(port_file) as port_lines:
                    lines = port_lines.read().split()
                if lines:
                    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
                    with opener.open(f"http://127.0.0.1:{lines[0]}/json/list", timeout=5) as answer:
                        pages = [t for t in json.load(answer) if t.get("type") == "page"]
                    if pages:
                        return pages[0]["webSocketDebuggerUrl"]
            time.sleep(0.05)
        raise BrowserError("chromium did not open its DevTools port in 30 s")

    def call(self, method, params=None):
        self.next_id += 1
        wanted = self.next_id
        self.ws.send(json.dumps({"id": wanted, "method": method, "params": params or {}}))
        while True:
            message = json.loads(self.ws.recv())
            if message.get("id") == wanted:
                if "error" in message:
                    raise BrowserError(f"{method}: {message['error'].get('message')}")
                return message.get("result", {})
            if "method" in message:
                self.events.append(message)

    def evaluate(self, expression):
        answer = self.call("Runtime.evaluate", {"expression": expression, "returnByValue": True,
                                                "awaitPromise": True})
        if "exceptionDetails" in answer:
            raise BrowserError(f"{expression}: {answer['exceptionDetails'].get('text')}")
        return answer.get("result", {}).get("value")

    def wait_for(self, expression, timeout=10.0, what=None):
        deadline = time.monotonic() + timeout
        while True:
            value = self.evaluate(expression)
            if value:
                return value
            if time.monotonic() > deadline:
                raise AssertionError(f"not within {timeout} s: {what or expression}")
            time.sleep(0.05)

    def open(self, url):
        self.call("Page.navigate", {"url": url})
        self.wait_for(f"document.readyState === 'complete' && location.href === {json.dumps(url)}",
                      what=f"{url} loaded")

    def click(self, selector):
        """A real mouse click at the element's centre (not element.click())."""
        box = self.evaluate(
            f"(() => {{ const e = document.querySelector({json.dumps(selector)}); if (!e) return null;"
            " e.scrollIntoView({block: 'center'}); const r = e.getBoundingClientRect();"
            " return [r.left + r.width / 2, r.top + r.height / 2]; })()")
        if box is None:
            raise AssertionError(f"no element {selector}")
        for kind in ("mousePressed", "mouseReleased"):
            self.call("Input.dispatchMouseEvent", {"type": kind, "x": box[0], "y": box[1],
                                                   "button": "left", "clickCount": 1})

    def type_text(self, selector, text):
        self.evaluate(f"document.querySelector({json.dumps(selector)}).focus()")
        self.call("Input.insertText", {"text": text})

    def screenshot(self, path):
        # Bootstrap's badges and buttons fade between colours: wait for the end.
        self.wait_for("document.getAnimations().filter(a => a instanceof CSSTransition)"
                      ".every(a => a.playState !== 'running')", what="CSS transitions finished")
        height = self.evaluate("Math.ceil(document.documentElement.scrollHeight)")
        width = self.evaluate("Math.ceil(document.documentElement.scrollWidth)")
        shot = self.call("Page.captureScreenshot", {
            "format": "png", "captureBeyondViewport": True,
            "clip": {"x": 0, "y": 0, "width": width, "height": height, "scale": 1}})
        with open(path, "wb") as out:
            out.write(base64.b64decode(shot["data"]))

    def requested_urls(self):
        return [e["params"]["request"]["url"] for e in self.events
                if e["method"] == "Network.requestWillBeSent"]

    def reached_outside(self, base):
        """URLs not under base that the browser did not fail to resolve
        (the resolver rule answers NOTFOUND for every other name)."""
        failed = {e["params"]["requestId"]: e["params"].get("errorText", "") for e in self.events
                  if e["method"] == "Network.loadingFailed"}
        return [e["params"]["request"]["url"] for e in self.events
                if e["method"] == "Network.requestWillBeSent"
                and not e["params"]["request"]["url"].startswith((base + "/", "about:", "data:"))
                and failed.get(e["params"]["requestId"]) != "net::ERR_NAME_NOT_RESOLVED"]

    def exceptions(self):
        return [e["params"]["exceptionDetails"] for e in self.events
                if e["method"] == "Runtime.exceptionThrown"]

    def close(self):
        try:
            if getattr(self, "ws", None) is not None:
                self.ws.close()
        finally:
            if self.process.poll() is None:
                self.process.terminate()
                try:
                    self.process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    self.process.kill()
                    self.process.wait()
            shutil.rmtree(self.profile, ignore_errors=True)
