"""Open a table `sise publish` wrote, in the real QGIS (headless), as a GIS
analyst of the bureau would: through QGIS's PostgreSQL provider, one year
(the layer filter `year = YEAR`), with the default style sise stored in
public.layer_styles. Checks the four-colour renderer, the Chinese aliases
and column comments, and counts the four fills in a rendered image.

Usage: QT_QPA_PLATFORM=offscreen /usr/bin/python3 check_postgis.py SCHEMA TABLE YEAR PNG
(the connection from PGHOST, PGPORT, PGUSER, PGDATABASE). Prints one JSON
object; exits 1 with the failures listed when a check fails.
"""
import os
import sys

from qgis.core import QgsDataSourceUri, QgsVectorLayer

from checks import LEVELS, check, finish, render_and_count, start_qgis

schema, table, year, png = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
app = start_qgis()
report = {}


uri = QgsDataSourceUri()
uri.setConnection(os.environ["PGHOST"], os.environ["PGPORT"], os.environ["PGDATABASE"], os.environ["PGUSER"], "")
uri.setDataSource(schema, table, "geom", f"year = {year}", "")
vl = QgsVectorLayer(uri.uri(False), table, "postgres")
check(vl.isValid(), f"{schema}.{table}: not valid")
report["features"] = vl.featureCount()
r = vl.renderer()
report["renderer"] = r.type()
check(r.type() == "categorizedSymbol", f"renderer is {r.type()} (the stored style was not applied)")
if r.type() == "categorizedSymbol":
    cats = {str(c.value()): (c.label(), c.symbol().color().name()) for c in r.categories()}
    check(cats == LEVELS, f"categories {cats}")
fields = vl.fields()
report["aliases"] = {f: vl.attributeAlias(fields.indexOf(f)) for f in ("level_name", "score")}
report["comments"] = {f: fields.field(f).comment() for f in ("level_name", "cycle", "year")}
check(report["aliases"]["level_name"] == "风险等级", f"aliases {report['aliases']}")
check(report["comments"]["year"] == "评估年度", f"comments {report['comments']}")

counts = render_and_count(vl, png)
report["pixels"] = counts
for name, n in counts.items():
    check(n > 0, f"rendered map has no pixel of level {name}")

finish(report)
