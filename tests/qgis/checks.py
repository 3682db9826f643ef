"""What the QGIS checks share: QGIS started headless, the list of failed
checks and the JSON report every check prints, the four levels as sise styles
them, and a layer rendered with each level's fill counted in exact pixels."""
import json
import os

from qgis.core import QgsApplication, QgsMapRendererParallelJob, QgsMapSettings
from qgis.PyQt.QtCore import QSize
from qgis.PyQt.QtGui import QColor

LEVELS = {"1": ("重大风险", "#e60000"), "2": ("较大风险", "#ff8c00"),
          "3": ("一般风险", "#ffd700"), "4": ("低风险", "#1e90ff")}


def render_and_count(layer, png=None):
    """Render `layer` at its extent (600 × 600, white) and count the pixels of each level's colour."""
    settings = QgsMapSettings()
    settings.setLayers([layer])
    settings.setDestinationCrs(layer.crs())
    settings.setExtent(layer.extent())
    settings.setOutputSize(QSize(600, 600))
    settings.setBackgroundColor(QColor(255, 255, 255))
    job = QgsMapRendererParallelJob(settings)
    job.start()
    job.waitForFinished()
    img = job.renderedImage()
    if png:
        img.save(png)
    return count_levels(img)


def count_levels(img):
    """The pixels of each level's colour in a QImage."""
    wanted = {QColor(c).rgb(): name for name, (_, c) in LEVELS.items()}
    counts = {name: 0 for name in LEVELS}
    for y in range(img.height()):
        for x in range(img.width()):
            name = wanted.get(img.pixel(x, y))
            if name:
                counts[name] += 1
    return counts


def start_qgis():
    """QGIS without a display (QT_QPA_PLATFORM=offscreen); keep what it returns."""
    app = QgsApplication([], False)
    app.initQgis()
    return app


failures = []


def check(cond, msg):
    """Note a failure; every check runs, and finish() lists them all."""
    if not cond:
        failures.append(msg)


def finish(report):
    """Print the report with its failures as one JSON line and leave at once
    (PyQGIS often crashes while tearing down; the checks are done)."""
    report["failures"] = failures
    print(json.dumps(report, ensure_ascii=False), flush=True)
    os._exit(1 if failures else 0)
