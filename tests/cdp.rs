//! A real headless Chromium driven over the DevTools protocol, as a user
//! drives it: mouse clicks and key presses at screen positions, screenshots,
//! and the page's console and uncaught errors collected as they happen.
//!
//! The protocol runs over a pipe (`--remote-debugging-pipe`: Chromium reads
//! commands on fd 3 and answers on fd 4, NUL-terminated JSON), so no
//! WebSocket client, no port and no driver binary are needed. The network is
//! cut off: every host name resolves to nothing and every proxy is a dead port.

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use base64::Engine;
use serde_json::{json, Value};

pub struct Browser {
    child: Child,
    to: ChildStdin,
    from: Receiver<Value>,
    next: u64,
    session: String,
    /// Console messages and uncaught errors of the page, as "level: text".
    pub console: Vec<String>,
    _profile: tempfile::TempDir,
}

impl Browser {
    /// A browser window of `width` × `height` CSS pixels showing `url`,
    /// returned once `ready` (a JavaScript expression) is true.
    pub fn open(url: &str, width: u32, height: u32, ready: &str) -> Browser {
        let profile = tempfile::tempdir().unwrap();
        // The shell moves our pipes to fds 3 and 4, where Chromium expects them.
        let mut child = Command::new("sh")
            .args(["-c", r#"exec chromium "$@" 3<&0 4>&1 0</dev/null 1>/dev/null"#, "sh"])
            .args(["--headless", "--no-sandbox", "--disable-gpu", "--remote-debugging-pipe", "--no-first-run"])
            .args(["--disable-background-networking", "--disable-component-update", "--disable-sync"])
            .args(["--host-resolver-rules=MAP * ~NOTFOUND", "--proxy-server=127.0.0.1:9"])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromium (run scripts/setup.sh)");
        let to = child.stdin.take().unwrap();
        let mut reader = BufReader::new(child.stdout.take().unwrap());
        let (send, from) = std::sync::mpsc::channel();
        std::thread::spawn(move || loop {
            let mut buf = Vec::new();
            match reader.read_until(0, &mut buf) {
                Ok(0) | Err(_) => break,
                Ok(_) => {
                    buf.pop();
                    if let Ok(v) = serde_json::from_slice::<Value>(&buf) {
                        if send.send(v).is_err() {
                            break;
                        }
                    }
                }
            }
        });
        let mut b = Browser { child, to, from, next: 0, session: String::new(), console: Vec::new(), _profile: profile };
        let target = b.call("Target.createTarget", json!({"url": "about:blank"}))["targetId"].clone();
        b.session = b.call("Target.attachToTarget", json!({"targetId": target, "flatten": true}))["sessionId"].as_str().unwrap().to_owned();
        for domain in ["Runtime.enable", "Log.enable", "Page.enable"] {
            b.call(domain, json!({}));
        }
        b.call("Emulation.setDeviceMetricsOverride", json!({"width": width, "height": height, "deviceScaleFactor": 1, "mobile": false}));
        b.goto(url, ready);
        b
    }

    /// Load `url` and wait until `ready` holds.
    pub fn goto(&mut self, url: &str, ready: &str) {
        self.call("Page.navigate", json!({"url": url}));
        self.wait(ready);
    }

    /// Send one command (to the page, once attached) and return its result.
    pub fn call(&mut self, method: &str, params: Value) -> Value {
        match self.send(method, params) {
            Ok(r) => r,
            Err(e) => panic!("{method}: {e}"),
        }
    }

    /// A command that may fail (e.g. while the page navigates): `None` then.
    fn call_lenient(&mut self, method: &str, params: Value) -> Option<Value> {
        self.send(method, params).ok()
    }

    fn send(&mut self, method: &str, params: Value) -> Result<Value, Value> {
        self.next += 1;
        let id = self.next;
        let mut msg = json!({"id": id, "method": method, "params": params});
        if !self.session.is_empty() {
            msg["sessionId"] = json!(self.session);
        }
        let mut bytes = serde_json::to_vec(&msg).unwrap();
        bytes.push(0);
        self.to.write_all(&bytes).and_then(|()| self.to.flush()).expect("write to chromium");
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let v = match self.from.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
                Ok(v) => v,
                Err(RecvTimeoutError::Timeout) => panic!("chromium did not answer {method} within 60 s"),
                Err(RecvTimeoutError::Disconnected) => panic!("chromium exited during {method}"),
            };
            if v["id"] == json!(id) {
                return match v.get("error") {
                    Some(e) => Err(e.clone()),
                    None => Ok(v["result"].clone()),
                };
            }
            self.event(&v);
        }
    }

    /// Record what the page said: console calls, uncaught errors, browser log entries.
    fn event(&mut self, v: &Value) {
        let p = &v["params"];
        match v["method"].as_str() {
            Some("Runtime.consoleAPICalled") => {
                let text: Vec<String> =
                    p["args"].as_array().into_iter().flatten().map(|a| a["value"].as_str().map_or(a["description"].to_string(), str::to_owned)).collect();
                self.console.push(format!("console.{}: {}", p["type"].as_str().unwrap_or(""), text.join(" ")));
            }
            Some("Runtime.exceptionThrown") => self.console.push(format!("uncaught: {}", p["exceptionDetails"])),
            Some("Log.entryAdded") => {
                self.console.push(format!("{}: {} {}", p["entry"]["level"].as_str().unwrap_or(""), p["entry"]["text"], p["entry"]["url"]))
            }
            _ => {}
        }
    }

    /// The value of a JavaScript expression (promises awaited).
    pub fn eval(&mut self, js: &str) -> Value {
        let r = self.call("Runtime.evaluate", json!({"expression": js, "returnByValue": true, "awaitPromise": true}));
        assert!(r.get("exceptionDetails").is_none(), "{js}: {}", r["exceptionDetails"]);
        r["result"]["value"].clone()
    }

    /// Wait (up to 30 s) until a JavaScript expression is true; an error
    /// (the page is still navigating, or not yet defined) counts as false.
    pub fn wait(&mut self, condition: &str) {
        let deadline = Instant::now() + Duration::from_secs(30);
        let holds = |b: &mut Browser| {
            let r = b.call_lenient("Runtime.evaluate", json!({"expression": format!("!!({condition})"), "returnByValue": true}));
            r.is_some_and(|r| r["result"]["value"] == json!(true))
        };
        while !holds(self) {
            assert!(Instant::now() < deadline, "not true within 30 s: {condition}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// A left click at a point of the page, as the mouse makes it.
    pub fn click(&mut self, x: f64, y: f64) {
        self.call("Input.dispatchMouseEvent", json!({"type": "mouseMoved", "x": x, "y": y}));
        for kind in ["mousePressed", "mouseReleased"] {
            self.call("Input.dispatchMouseEvent", json!({"type": kind, "x": x, "y": y, "button": "left", "clickCount": 1}));
        }
    }

    /// Click the middle of the element a CSS selector finds.
    pub fn click_on(&mut self, selector: &str) {
        let js = format!(
            "(() => {{ const r = document.querySelector({}).getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2]; }})()",
            json!(selector)
        );
        let at = self.eval(&js);
        self.click(at[0].as_f64().unwrap(), at[1].as_f64().unwrap());
    }

    /// Press and release one key ("ArrowDown", "Enter") in the focused
    /// element. Enter carries its text ("\r"), which is what commits an input.
    pub fn key(&mut self, key: &str, code: u32) {
        let down = match key {
            "Enter" => json!({"type": "keyDown", "key": key, "code": key, "windowsVirtualKeyCode": code, "text": "\r"}),
            _ => json!({"type": "rawKeyDown", "key": key, "code": key, "windowsVirtualKeyCode": code}),
        };
        self.call("Input.dispatchKeyEvent", down);
        self.call("Input.dispatchKeyEvent", json!({"type": "keyUp", "key": key, "code": key, "windowsVirtualKeyCode": code}));
    }

    /// Type text into the focused element.
    pub fn type_text(&mut self, text: &str) {
        self.call("Input.insertText", json!({"text": text}));
    }

    /// A PNG of the page as shown, written to `path`.
    pub fn screenshot(&mut self, path: &Path) {
        let data = self.call("Page.captureScreenshot", json!({"format": "png"}))["data"].as_str().unwrap().to_owned();
        std::fs::write(path, base64::engine::general_purpose::STANDARD.decode(data).unwrap()).unwrap();
    }

    /// The page's text inside an element.
    pub fn text(&mut self, selector: &str) -> String {
        self.eval(&format!("document.querySelector({})?.innerText ?? ''", json!(selector))).as_str().unwrap_or("").to_owned()
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
