"""The plugin's run algorithm as the desktop runs it (Processing's
runAndLoadResults, as the algorithm dialog does): the year's layers are
loaded into the project under their Chinese titles, each with the four-colour
style and map tip sise wrote, and cancelling stops sise.

Usage: QT_QPA_PLATFORM=offscreen SISE_BIN=… /usr/bin/python3 check_plugin_load.py PLUGINS_DIR CONFIG OUT
Prints one JSON object; exits 1 with the failures listed when a check fails.
"""
import os
import sys
import time

plugins, config, out = sys.argv[1:4]
sys.path.insert(0, plugins)
sys.path.append("/usr/share/qgis/python/plugins")

from qgis.core import QgsApplication, QgsProcessingContext, QgsProcessingFeedback, QgsProject  # noqa: E402

from checks import check, finish, start_qgis  # noqa: E402

app = start_qgis()
from processing.core.Processing import Processing  # noqa: E402

Processing.initialize()
import processing  # noqa: E402
from sise_qgis.provider import SiseProvider  # noqa: E402

provider = SiseProvider()  # kept: the registry holds only a pointer
QgsApplication.processingRegistry().addProvider(provider)
report = {}


result = processing.runAndLoadResults("sise:run", {"CONFIG": config, "OUT": out})
layers = list(QgsProject.instance().mapLayers().values())
report["result"] = result
report["loaded"] = sorted(l.name() for l in layers)
check(len(layers) == 19, f"{len(layers)} layers loaded")
for layer in layers:
    check(layer.renderer() is not None and layer.renderer().type() == "categorizedSymbol", f"{layer.name()}: renderer {layer.renderer().type() if layer.renderer() else None}")
    check(layer.mapTipTemplate() != "", f"{layer.name()}: no map tip")
check(any(l.name() == "D01 危险化学品风险" for l in layers), "D01 not loaded under its Chinese title")

# Cancelling: the feedback is cancelled while sise runs; the algorithm stops it and fails.
feedback = QgsProcessingFeedback()
started = time.time()
feedback.progressChanged.connect(lambda p: feedback.cancel())
try:
    processing.run("sise:run", {"CONFIG": config, "OUT": out + "-cancelled", "LOAD": False}, feedback=feedback, context=QgsProcessingContext())
    check(False, "a cancelled run returned normally")
except Exception as e:  # QgsProcessingException
    report["cancelled"] = str(e)
    check("取消" in str(e) or "cancel" in str(e).lower(), f"cancelled run failed with: {e}")
report["cancel_seconds"] = round(time.time() - started, 1)
check(not os.path.exists(os.path.join(out + "-cancelled", "2024-2026", "2024", "sise.gpkg")), "a cancelled run left outputs in place")

finish(report)
