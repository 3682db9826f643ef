"""sise.qgs's print layouts and the scored layers' map tips, in the real QGIS
(headless), as a GIS analyst meets them: a layout per map with its title,
map frame, legend, scale bar, north arrow and source line; the comprehensive
layout exported by QGIS itself with all four colours; and the map tip of a
red object with a veto, evaluated for that object.

Usage: QT_QPA_PLATFORM=offscreen /usr/bin/python3 check_layouts.py OUT_DIR PNG
Prints one JSON object; exits 1 with the failures listed when a check fails.
"""
import os
import sys

from qgis.core import (
    QgsExpression,
    QgsExpressionContext,
    QgsExpressionContextUtils,
    QgsFeatureRequest,
    QgsLayoutExporter,
    QgsLayoutItemLabel,
    QgsLayoutItemLegend,
    QgsLayoutItemMap,
    QgsLayoutItemPicture,
    QgsLayoutItemScaleBar,
    QgsProject,
    QgsVectorLayer,
)
from qgis.PyQt.QtGui import QImage

from checks import check, count_levels, finish, start_qgis

out, png = sys.argv[1], sys.argv[2]
app = start_qgis()
report = {}


project = QgsProject.instance()
check(project.read(os.path.join(out, "sise.qgs")), "sise.qgs does not open")

# 1. A layout per map: the comprehensive one and one per domain, each complete.
layouts = {l.name(): l for l in project.layoutManager().printLayouts()}
report["layouts"] = sorted(layouts)
for name, layout in layouts.items():
    items = layout.items()
    maps = [i for i in items if isinstance(i, QgsLayoutItemMap)]
    check(len(maps) == 1, f"{name}: {len(maps)} map frames")
    if maps:
        ids = [l.id() for l in maps[0].layers()]
        check(len(ids) == 2 and "street_boundaries" in ids, f"{name}: map shows {ids}")
    legends = [i for i in items if isinstance(i, QgsLayoutItemLegend)]
    check(len(legends) == 1 and legends[0].linkedMap() is not None, f"{name}: no legend linked to the map")
    bars = [i for i in items if isinstance(i, QgsLayoutItemScaleBar)]
    check(len(bars) == 1 and bars[0].linkedMap() is not None, f"{name}: no scale bar linked to the map")
    check(any(isinstance(i, QgsLayoutItemPicture) and "north" in i.picturePath() for i in items), f"{name}: no north arrow")
    texts = [i.currentText() for i in items if isinstance(i, QgsLayoutItemLabel)]
    check(any("风险" in t and "图" in t for t in texts), f"{name}: no title in {texts}")
    check(any(t.startswith("数据来源") and "EPSG:" in t for t in texts), f"{name}: no source and CRS line in {texts}")

# 2. QGIS exports the comprehensive layout with the four colours.
layout = layouts.get("综合风险图")
check(layout is not None, f"no 综合风险图 layout in {sorted(layouts)}")
if layout is not None:
    settings = QgsLayoutExporter.ImageExportSettings()
    settings.dpi = 120
    result = QgsLayoutExporter(layout).exportToImage(png, settings)
    check(result == QgsLayoutExporter.Success, f"export failed: {result}")
    img = QImage(png)
    report["page"] = [img.width(), img.height()]
    report["pixels"] = count_levels(img)
    for level, n in report["pixels"].items():
        check(n > 200, f"exported layout has {n} pixels of level {level}")


# 3. The map tip of a red object with a veto, evaluated for it.
def shown(v):
    """A number as QGIS's to_string(round(v, 2)) writes it."""
    s = repr(round(float(v), 2))
    return s[:-2] if s.endswith(".0") else s


tips = {}
for lid, layer in project.mapLayers().items():
    if not lid.endswith("_objects"):
        continue
    check(layer.mapTipTemplate() != "", f"{lid}: no map tip")
    check(layer.displayExpression() not in ("", '"fid"'), f"{lid}: no display expression")
    request = QgsFeatureRequest().setFilterExpression('"level" = 1 AND "veto_reason" IS NOT NULL')
    for f in layer.getFeatures(request):
        ctx = QgsExpressionContext(QgsExpressionContextUtils.globalProjectLayerScopes(layer))
        ctx.setFeature(f)
        tip = QgsExpression.replaceExpressionText(layer.mapTipTemplate(), ctx)
        display = QgsExpression(layer.displayExpression()).evaluate(ctx)
        names = layer.fields().names()
        indicators = [n[: -len("_score")] for n in names if n.endswith("_score") and n[: -len("_score")] in names]
        check("重大风险" in tip, f"{lid} {f['id']}: level not in the tip")
        check(f["veto_reason"] in tip, f"{lid} {f['id']}: veto reason not in the tip")
        check("[%" not in tip, f"{lid} {f['id']}: an expression was left unevaluated")
        for key in indicators:
            value = f[key]
            text = shown(value) if isinstance(value, (int, float)) else str(value)
            check(text in tip, f"{lid} {f['id']}: indicator {key} = {text} not in the tip")
        check("管控措施" in tip, f"{lid} {f['id']}: no measures")
        check(isinstance(display, str) and "重大风险" in display, f"{lid}: display expression gives {display!r}")
        tips[lid] = {"id": f["id"], "veto": f["veto_reason"], "indicators": indicators, "tip": tip}
        break
report["tips"] = tips

# The GeoPackage's default styles carry them too: a layer added by hand explains itself.
direct = QgsVectorLayer(os.path.join(out, "sise.gpkg") + "|layername=D01_hazardous_chemicals", "d01", "ogr")
check(direct.isValid() and "一票否决原因" in direct.mapTipTemplate(), "the GeoPackage's default style has no map tip")
check("level_name" in direct.displayExpression(), f"the GeoPackage's default style's display expression is {direct.displayExpression()!r}")
check(len(tips) > 0, "no red object with a veto found to check the map tip on")

finish(report)
