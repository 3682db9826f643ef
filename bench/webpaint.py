#!/usr/bin/env python3
"""Time a run's web map in the real headless Chromium, network off, as a
user meets it: first paint of the overview, switching on the largest
domain layer (its objects loaded and drawn), and one pan with it shown.

    python3 bench/webpaint.py OUT/<cycle>/<year>/web/index.html

Prints one JSON object (milliseconds). Chromium is driven over the DevTools
pipe (fds 3/4, NUL-terminated JSON), as tests/cdp.rs does; no driver needed.
"""
import json
import os
import subprocess
import sys
import tempfile
import time


class Browser:
    def __init__(self, width=1400, height=900):
        self.profile = tempfile.TemporaryDirectory(ignore_cleanup_errors=True)
        self.proc = subprocess.Popen(
            ["sh", "-c", 'exec chromium "$@" 3<&0 4>&1 0</dev/null 1>/dev/null', "sh",
             "--headless", "--no-sandbox", "--disable-gpu", "--remote-debugging-pipe", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             "--host-resolver-rules=MAP * ~NOTFOUND", "--proxy-server=127.0.0.1:9",
             f"--user-data-dir={self.profile.name}"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self.next, self.session, self.buf, self.console = 0, None, b"", []
        target = self.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        self.session = self.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        for m in ["Runtime.enable", "Page.enable"]:
            self.call(m)
        self.call("Emulation.setDeviceMetricsOverride", {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False})

    def read(self):
        while b"\0" not in self.buf:
            chunk = os.read(self.proc.stdout.fileno(), 1 << 20)
            if not chunk:
                raise RuntimeError("chromium exited")
            self.buf += chunk
        msg, self.buf = self.buf.split(b"\0", 1)
        return json.loads(msg)

    def call(self, method, params=None):
        self.next += 1
        msg = {"id": self.next, "method": method, "params": params or {}}
        if self.session:
            msg["sessionId"] = self.session
        self.proc.stdin.write(json.dumps(msg).encode() + b"\0")
        self.proc.stdin.flush()
        while True:
            v = self.read()
            if v.get("id") == self.next:
                if "error" in v:
                    raise RuntimeError(f"{method}: {v['error']}")
                return v["result"]
            if v.get("method") == "Runtime.exceptionThrown":
                self.console.append(v["params"]["exceptionDetails"].get("text", ""))

    def eval(self, js):
        r = self.call("Runtime.evaluate", {"expression": js, "returnByValue": True, "awaitPromise": True})
        if "exceptionDetails" in r:
            raise RuntimeError(f"{js}: {r['exceptionDetails']}")
        return r["result"].get("value")

    def wait(self, condition, timeout=120):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            try:
                if self.eval(f"!!({condition})"):
                    return
            except RuntimeError:
                pass  # still navigating
            time.sleep(0.02)
        raise RuntimeError(f"not true within {timeout} s: {condition}")

    def close(self):
        self.proc.kill()
        self.proc.wait()


# The time from the call to the second animation frame after `action`
# settles: what the user waits for before the result is on screen.
FRAMES = "new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(() => done(performance.now()))))"


def timed(b, action):
    """Milliseconds from starting `action` (a promise) to the second frame after it settles."""
    start = b.eval("performance.now()")
    return b.eval(f"({action}).then(() => {FRAMES})") - start


def main(page):
    b = Browser()
    try:
        b.call("Page.navigate", {"url": "file://" + os.path.abspath(page)})
        b.wait("document.body && document.body.dataset.painted")
        first_paint = int(b.eval("document.body.dataset.painted"))
        b.wait("document.body.dataset.ready === '1'")
        biggest = b.eval("SISE_DATA.domains.map((d) => [d.counts.reduce((a, b) => a + b, 0), d.id]).sort((a, b) => b[0] - a[0])[0]")
        start = b.eval("performance.now()")
        b.eval(f"document.querySelector('#layers input[data-layer=\"{biggest[1]}\"]').click()")
        b.wait(f"layers[{json.dumps(biggest[1])}].layer")
        layer_on = b.eval(FRAMES) - start
        pan_out = timed(b, "new Promise((done) => { siseMap.once('moveend', () => done()); siseMap.panBy([400, 0], { animate: false }); })")
        # Zoomed in at zoom 16 on the domain's worst object: the tiles in view load and draw.
        at = b.eval(f"(SISE_DATA.domains.find((d) => d.id === {json.dumps(biggest[1])}).listed || [])[0]?.at ?? null")
        centre = f"[{at[1]}, {at[0]}]" if at else "L.geoJSON(SISE_DATA.streets).getBounds().getCenter()"
        zoom_in = timed(b, "new Promise((done) => { siseMap.once('moveend', () => done()); siseMap.setView(" + centre + ", 16, { animate: false }); })"
                        ".then(() => layers[" + json.dumps(biggest[1]) + "].layer.pending)")
        tiles = b.eval(f"document.querySelectorAll('script[src*=\"domains/{biggest[1]}/\"]').length")
        pan_in = timed(b, "new Promise((done) => { siseMap.once('moveend', () => done()); siseMap.panBy([400, 0], { animate: false }); })")
        print(json.dumps({"page": page, "first_paint_ms": first_paint, "domain": biggest[1], "objects": biggest[0],
                          "layer_on_ms": round(layer_on), "pan_zoomed_out_ms": round(pan_out), "zoom_in_ms": round(zoom_in),
                          "tiles_loaded": tiles, "pan_zoomed_in_ms": round(pan_in), "errors": b.console}))
    finally:
        b.close()


if __name__ == "__main__":
    main(sys.argv[1])
