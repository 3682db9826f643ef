"""Open sise's outputs in the real QGIS (headless) and check what a GIS
analyst would see: default styles, labels, aliases, the project's groups and
visibility, and a rendered comprehensive map with all four colours.

Usage: QT_QPA_PLATFORM=offscreen /usr/bin/python3 check_qgis.py OUT_DIR LAYER...
Prints one JSON object; exits 1 with the failures listed when a check fails.
"""
import os
import sys

from qgis.core import QgsProject, QgsVectorLayer
from qgis.PyQt.QtGui import QFontDatabase

from checks import LEVELS, check, finish, render_and_count, start_qgis

out, layers = sys.argv[1], sys.argv[2:]
app = start_qgis()
report = {"layers": {}}


# 1. Each layer of the GeoPackage opens with its default four-colour style.
gpkg = os.path.join(out, "sise.gpkg")
for name in layers:
    vl = QgsVectorLayer(f"{gpkg}|layername={name}", name, "ogr")
    check(vl.isValid(), f"{name}: not valid")
    r = vl.renderer()
    check(r.type() == "categorizedSymbol", f"{name}: renderer is {r.type()}")
    if r.type() != "categorizedSymbol":
        continue
    check(r.classAttribute() == "level", f"{name}: classified by {r.classAttribute()}")
    cats = {str(c.value()): (c.label(), c.symbol().color().name()) for c in r.categories()}
    check(cats == LEVELS, f"{name}: categories {cats}")
    alias = vl.attributeAlias(vl.fields().indexOf("level_name"))
    check(alias == "风险等级", f"{name}: level_name alias is {alias!r}")
    report["layers"][name] = {"features": vl.featureCount(), "categories": len(cats)}

streets = QgsVectorLayer(f"{gpkg}|layername=streets", "streets", "ogr")
check(streets.labelsEnabled(), "streets: labels not enabled")
if streets.labeling():
    field = streets.labeling().settings().fieldName
    check(field == "street_name", f"streets: labels on {field}")

cjk = QFontDatabase().families(QFontDatabase.SimplifiedChinese)
report["cjk_fonts"] = len(cjk)
check(len(cjk) > 0, "no CJK font: Chinese labels would be boxes")

# 2. The project: groups in order, the comprehensive map visible, domains hidden.
project = QgsProject.instance()
check(project.read(os.path.join(out, "sise.qgs")), "sise.qgs does not open")
root = project.layerTreeRoot()
groups = [g.name() for g in root.children()]
report["groups"] = groups
check(groups[:1] == ["综合风险"] and groups[-1:] == ["底图"], f"groups {groups}")
check(root.findGroup("综合风险").itemVisibilityChecked(), "综合风险 group hidden")
for g in root.children()[1:-1]:
    check(not g.itemVisibilityChecked(), f"{g.name()} visible")
grid_node = root.findLayer("comprehensive_grid")
check(grid_node is not None and grid_node.isVisible(), "comprehensive grid not visible")
check(root.findLayer("street_boundaries").isVisible(), "boundaries not visible")
# Every node of the layer tree has its layer (QGIS drops ids of 10 characters or fewer).
for node in root.findLayers():
    check(node.layer() is not None, f"layer tree node {node.layerId()} has no layer")
for lid, layer in project.mapLayers().items():
    check(layer.isValid(), f"project layer {lid} invalid (path not relative?)")
report["project_layers"] = len(project.mapLayers())

# 3. Render the comprehensive layer and count the four fill colours.
grid = project.mapLayer("comprehensive_grid")
counts = render_and_count(grid)
report["pixels"] = counts
for name, n in counts.items():
    check(n > 0, f"rendered map has no pixel of level {name}")

finish(report)
