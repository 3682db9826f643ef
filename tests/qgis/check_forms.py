"""The template GeoPackage opened in the real QGIS (headless): for each
layer named, every field's editor widget, alias, value-map values, range
and constraints, as JSON. Usage: check_forms.py FILE.gpkg LAYER..."""
import json
import os
import sys

os.environ["QT_QPA_PLATFORM"] = "offscreen"
from qgis.core import QgsFieldConstraints, QgsVectorLayer

from checks import start_qgis

app = start_qgis()
out = {}
for name in sys.argv[2:]:
    l = QgsVectorLayer(f"{sys.argv[1]}|layername={name}", name, "ogr")
    assert l.isValid(), name
    fields = {}
    for i, f in enumerate(l.fields()):
        w = l.editorWidgetSetup(i)
        cfg = w.config()
        c = f.constraints()
        fields[f.name()] = {"widget": w.type(), "alias": l.attributeAlias(i),
            "values": [list(m.keys())[0] for m in cfg.get("map", [])] if w.type() == "ValueMap" else None,
            "min": cfg.get("Min"), "max": cfg.get("Max"),
            "notnull": bool(c.constraints() & QgsFieldConstraints.ConstraintNotNull),
            "unique": bool(c.constraints() & QgsFieldConstraints.ConstraintUnique)}
    out[name] = {"geometry": l.geometryType(), "fields": fields}
print(json.dumps(out, ensure_ascii=False), flush=True)
# Leave without QGIS's teardown, which crashes on layers still referenced.
os._exit(0)
