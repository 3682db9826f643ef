"""Running the sise program: find it, start it, stream its progress and log
into the Processing feedback, stop it when the user cancels."""
import json
import os
import queue
import re
import shutil
import subprocess
import threading

from qgis.core import QgsApplication, QgsProcessingException, QgsSettings

SETTING = "SISE_BINARY"  # Processing ▸ Options ▸ Providers ▸ sise
SETTINGS_KEY = "sise/binary"  # the same, where Processing's settings are not loaded
PROGRESS = re.compile(r"^sise-progress: (.*?)(?: (\d+)/(\d+))?$")

# A run's stages as parts of the whole: sise reports each as N/TOTAL.
STAGES = [("loading layers", 0, 35), ("scoring domains", 35, 60), ("sensitivity", 60, 75), ("aggregating", 75, 85), ("writing", 85, 99), ("merging units", 0, 90)]


def binary():
    """The sise program: the provider setting, $SISE_BIN, then PATH."""
    configured = ""
    try:
        from processing.core.ProcessingConfig import ProcessingConfig

        configured = ProcessingConfig.getSetting(SETTING) or ""
    except Exception:  # Processing's settings unavailable: use QGIS's own
        pass
    configured = configured or QgsSettings().value(SETTINGS_KEY, "") or os.environ.get("SISE_BIN", "")
    if configured:
        if os.path.isfile(configured) and os.access(configured, os.X_OK):
            return configured
        raise QgsProcessingException(f"sise 程序不存在或不可执行：{configured}（请在 处理 ▸ 选项 ▸ 提供者 ▸ sise 中设置其路径）")
    found = shutil.which("sise")
    if not found:
        raise QgsProcessingException(
            "找不到 sise 程序：请安装 sise 的 Debian 软件包，或在 处理 ▸ 选项 ▸ 提供者 ▸ sise 中设置其路径"
            " (sise not found: install its package or set its path in Processing ▸ Options ▸ Providers ▸ sise)"
        )
    return found


def language():
    """sise's message language from QGIS's locale."""
    locale = QgsSettings().value("locale/userLocale", "") or QgsApplication.locale() or ""
    return "zh" if str(locale).lower().startswith("zh") else "en"


def percent(stage, done, total):
    for name, start, end in STAGES:
        if stage.startswith(name):
            return start + (end - start) * (done / total if total else 0)
    return None


def _pump(stream, name, lines):
    for line in iter(stream.readline, ""):
        lines.put((name, line.rstrip("\n")))
    lines.put((name, None))


def report(line, feedback, errors):
    """One line of sise's stderr (JSON log, or a progress line) into the feedback."""
    m = PROGRESS.match(line)
    if m:
        stage, done, total = m.group(1), m.group(2), m.group(3)
        feedback.setProgressText(stage)
        if done is not None:
            p = percent(stage, int(done), int(total))
            if p is not None:
                feedback.setProgress(p)
        return
    try:
        event = json.loads(line)
    except ValueError:
        feedback.pushConsoleInfo(line)
        return
    level = event.get("level", "INFO")
    fields = event.get("fields", {})
    message = fields.get("message", line)
    extra = "；".join(f"{k}={v}" for k, v in fields.items() if k != "message")
    text = f"{message}（{extra}）" if extra else message
    if level == "ERROR":
        errors.append(message)
        feedback.reportError(text, False)
    elif level == "WARN":
        feedback.pushWarning(text)
    elif level in ("DEBUG", "TRACE"):
        feedback.pushDebugInfo(text)
    else:
        feedback.pushInfo(text)


def run(args, feedback):
    """Run `sise ARGS…`; returns its standard output. A non-zero exit raises
    QgsProcessingException with sise's own message; cancelling stops it."""
    command = [binary(), "--log-format", "json", "--progress", "lines", "--lang", language()] + list(args)
    feedback.pushCommandInfo(" ".join(command))
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, encoding="utf-8", errors="replace")
    lines = queue.Queue()
    for stream, name in ((proc.stdout, "out"), (proc.stderr, "err")):
        threading.Thread(target=_pump, args=(stream, name, lines), daemon=True).start()
    stdout, errors, open_streams = [], [], 2
    while open_streams:
        if feedback.isCanceled() and proc.poll() is None:
            proc.terminate()
        try:
            name, line = lines.get(timeout=0.2)
        except queue.Empty:
            continue
        if line is None:
            open_streams -= 1
        elif name == "out":
            stdout.append(line)
            feedback.pushConsoleInfo(line)
        else:
            report(line, feedback, errors)
    code = proc.wait()
    proc.stdout.close()
    proc.stderr.close()
    if feedback.isCanceled():
        raise QgsProcessingException("已取消 (cancelled)")
    if code != 0:
        message = errors[-1] if errors else f"sise exited with code {code}"
        raise QgsProcessingException(f"sise 退出码 {code}：{message}")
    feedback.setProgress(100)
    return "\n".join(stdout)
