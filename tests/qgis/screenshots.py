"""The README's QGIS pictures, made headless by QGIS itself from a demo run:
the comprehensive print layout as QGIS exports it, and a red object's map tip
as QGIS renders its HTML (Qt's rich text, as the map tip window shows it).

Usage: QT_QPA_PLATFORM=offscreen /usr/bin/python3 screenshots.py OUT_DIR DOCS_DIR
"""
import os
import sys

from qgis.core import (
    QgsExpression,
    QgsExpressionContext,
    QgsExpressionContextUtils,
    QgsFeatureRequest,
    QgsLayoutExporter,
    QgsProject,
)
from qgis.PyQt.QtCore import QSizeF
from qgis.PyQt.QtGui import QColor, QFont, QImage, QPainter, QTextDocument

from checks import start_qgis

out, docs = sys.argv[1], sys.argv[2]
app = start_qgis()
project = QgsProject.instance()
assert project.read(os.path.join(out, "sise.qgs"))

layout = project.layoutManager().layoutByName("综合风险图")
settings = QgsLayoutExporter.ImageExportSettings()
settings.dpi = 90
assert QgsLayoutExporter(layout).exportToImage(os.path.join(docs, "qgis-layout.png"), settings) == QgsLayoutExporter.Success

layer = project.mapLayer("d01_objects")
feature = next(layer.getFeatures(QgsFeatureRequest().setFilterExpression('"level" = 1 AND "veto_reason" IS NOT NULL')))
ctx = QgsExpressionContext(QgsExpressionContextUtils.globalProjectLayerScopes(layer))
ctx.setFeature(feature)
html = QgsExpression.replaceExpressionText(layer.mapTipTemplate(), ctx)
doc = QTextDocument()
doc.setDefaultFont(QFont("Noto Sans CJK SC", 10))
doc.setDefaultStyleSheet("th { text-align: left; padding-right: 8px; } td { padding-right: 8px; } h3 { margin: 0 0 6px 0; }")
doc.setHtml(html)
doc.setTextWidth(520)
size = doc.size()
img = QImage(int(size.width()) + 24, int(size.height()) + 24, QImage.Format_ARGB32)
img.fill(QColor(255, 255, 225))  # the colour of a tooltip
painter = QPainter(img)
painter.translate(12, 12)
doc.drawContents(painter)
painter.end()
img.save(os.path.join(docs, "qgis-maptip.png"))
print("written", os.path.join(docs, "qgis-layout.png"), os.path.join(docs, "qgis-maptip.png"))
os._exit(0)
