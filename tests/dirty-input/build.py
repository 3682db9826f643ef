#!/usr/bin/env python3
"""Build the dirty-input corpus: inputs as they arrive from outside the
project (full-width digits, thousands separators, units, "NaN", "约1", empty
cells, GBK Shapefiles and CSVs without a declared encoding, objects across
the district boundary, GCJ-02 coordinates declared as WGS84, swapped axes,
markup and formulas in names) over the hand-made fixture.

Each case is a folder cases/NAME/ with an assessment.toml; an accepted form
has a twin NAME.clean/ with the clean values it must score exactly like.
tests/dirty_input.rs runs them. Needs GDAL's ogr2ogr and PROJ's cs2cs.
Rerun after changing a case: python3 tests/dirty-input/build.py
"""
import json
import math
import os
import shutil
import subprocess

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURE = os.path.join(HERE, "..", "fixtures", "handmade")
CASES = os.path.join(HERE, "cases")
BASE_CONFIG = open(os.path.join(FIXTURE, "assessment.toml"), encoding="utf-8").read()
FILES = ["streets.geojson", "sites.geojson", "people.geojson", "pipes.geojson", "depth.asc",
         "sites_model.toml", "pipes_model.toml", "depth_model.toml"]


def fixture(name):
    return open(os.path.join(FIXTURE, name), encoding="utf-8").read()


def geojson(name):
    return json.loads(fixture(name))


def case(name, config_edits=(), files=None, run=None):
    """Write CASES/name/: the fixture config with `config_edits` applied and
    paths pointing back at the fixture for the files the case does not replace."""
    d = os.path.join(CASES, name)
    os.makedirs(d)
    cfg = BASE_CONFIG
    files = files or {}
    for f in FILES:
        if f not in files:
            cfg = cfg.replace(f'"{f}"', f'"../../../fixtures/handmade/{f}"')
    for old, new in config_edits:
        assert old in cfg, (name, old)
        cfg = cfg.replace(old, new)
    open(os.path.join(d, "assessment.toml"), "w", encoding="utf-8").write(cfg)
    for f, content in files.items():
        path = os.path.join(d, f)
        if callable(content):
            content(path)
        elif isinstance(content, bytes):
            open(path, "wb").write(content)
        else:
            if not isinstance(content, str):
                content = json.dumps(content, ensure_ascii=False, indent=1)
            open(path, "w", encoding="utf-8").write(content)
    return d


def with_props(name, changes):
    """The fixture layer with feature properties changed: {id: {field: value}}."""
    fc = geojson(name)
    for f in fc["features"]:
        key = f["properties"].get("id", f["properties"].get("code"))
        f["properties"].update(changes.get(key, {}))
    return fc


def without(name, ids):
    fc = geojson(name)
    fc["features"] = [f for f in fc["features"] if f["properties"].get("id") not in ids]
    return fc


def pair(name, dirty, clean, config_edits=(), extra=None):
    """An accepted form and its clean twin; `dirty`/`clean` are {file: content}."""
    case(name, config_edits, dict(dirty, **(extra or {})))
    case(name + ".clean", config_edits, dict(clean, **(extra or {})))


def model(old_new):
    text = fixture("sites_model.toml")
    for old, new in old_new:
        assert old in text, old
        text = text.replace(old, new)
    return text


def shapefile(source_geojson, encoding, keep_cpg=False):
    """A writer of a Shapefile in `encoding` from a GeoJSON text, without a
    .cpg and with language driver id 0, as older desktop GIS write them."""
    def write(path):
        src = path.replace(".shp", ".src.geojson")
        open(src, "w", encoding="utf-8").write(source_geojson)
        subprocess.run(["ogr2ogr", "-q", "-f", "ESRI Shapefile", path, src, "-a_srs", "EPSG:4549", "-lco", f"ENCODING={encoding}"], check=True)
        os.remove(src)
        cpg = path.replace(".shp", ".cpg")
        if os.path.exists(cpg) and not keep_cpg:
            os.remove(cpg)
        dbf = path.replace(".shp", ".dbf")
        data = bytearray(open(dbf, "rb").read())
        data[29] = 0
        open(dbf, "wb").write(bytes(data))
    return write


def to_lonlat(x, y):
    """EPSG:4549 (x east, y north) to WGS84 longitude, latitude, through PROJ's cs2cs."""
    out = subprocess.run(["cs2cs", "-f", "%.9f", "EPSG:4549", "EPSG:4326"], input=f"{y} {x}\n", capture_output=True, text=True, check=True).stdout
    lat, lon = out.split()[:2]
    return float(lon), float(lat)


def wgs84_to_gcj02(lon, lat):
    """The published GCJ-02 forward formula."""
    a, ee = 6378245.0, 0.00669342162296594323
    x, y = lon - 105.0, lat - 35.0
    dlat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
    dlat += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    dlat += (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
    dlat += (160.0 * math.sin(y / 12.0 * math.pi) + 320 * math.sin(y * math.pi / 30.0)) * 2.0 / 3.0
    dlon = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
    dlon += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    dlon += (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
    dlon += (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2.0 / 3.0
    rad = lat / 180.0 * math.pi
    magic = 1 - ee * math.sin(rad) ** 2
    s = math.sqrt(magic)
    dlat = (dlat * 180.0) / ((a * (1 - ee)) / (magic * s) * math.pi)
    dlon = (dlon * 180.0) / (a / s * math.cos(rad) * math.pi)
    return lon + dlon, lat + dlat


PEOPLE_CFG = 'path = "../../../fixtures/handmade/people.geojson"\ncrs = "EPSG:4549"'
SITES_CFG = 'path = "../../../fixtures/handmade/sites.geojson"\ncrs = "EPSG:4549"'
STREETS_CFG = 'path = "../../../fixtures/handmade/streets.geojson"\ncrs = "EPSG:4549"'

shutil.rmtree(CASES, ignore_errors=True)

# --- Numbers as people type them: accepted, scoring exactly like the clean values.
pair("veto_full_width", {"sites.geojson": with_props("sites.geojson", {"S3": {"flag": "１"}})},
     {"sites.geojson": with_props("sites.geojson", {"S3": {"flag": 1}})})
pair("veto_thousands", {"sites.geojson": with_props("sites.geojson", {"S3": {"flag": "1,000"}})},
     {"sites.geojson": with_props("sites.geojson", {"S3": {"flag": 1000}})})
pair("numbers_rewritten",
     {"people.geojson": with_props("people.geojson", {"P1": {"population": "1,000"}, "P2": {"population": "3，000"},
                                                      "P3": {"population": "５００"}, "P4": {"population": " 4000 "}})},
     {"people.geojson": with_props("people.geojson", {})})
unit_model = model([('key = "pop_250m"\nname = "250米内人口"\n', 'key = "pop_250m"\nname = "250米内人口"\nunit = "人"\n')])
pair("numbers_with_unit",
     {"people.geojson": with_props("people.geojson", {"P1": {"population": "1000人"}, "P4": {"population": "4,000 人"}}), "sites_model.toml": unit_model},
     {"people.geojson": with_props("people.geojson", {}), "sites_model.toml": unit_model})
grade_d = model([("factors = { A = 0.5, B = 1.0 }", "factors = { A = 0.5, B = 1.0, D = 1.0 }"),
                 ('[[veto]]\nwhen = "flag > 0"', '[[veto]]\nwhen = "grade == \\"D\\""\nlevel = 2\nreason = "D级单位"\n\n[[veto]]\nwhen = "flag > 0"')])
pair("control_grade_spaces",
     {"sites.geojson": with_props("sites.geojson", {"S1": {"grade": "D "}, "S2": {"grade": "Ａ"}, "S4": {"grade": "\u3000B"}}), "sites_model.toml": grade_d},
     {"sites.geojson": with_props("sites.geojson", {"S1": {"grade": "D"}}), "sites_model.toml": grade_d})

# --- Values that are not numbers: refused (class 13), never read as a guess.
# --- Years as ledgers write them: year.month, 年月, dates. Each is its year, never a decimal.
pair("years_as_written",
     {"pipes.geojson": with_props("pipes.geojson", {"L1": {"install_year": "1984.05"}, "L2": {"install_year": "2014年5月"}})},
     {"pipes.geojson": with_props("pipes.geojson", {})})
pair("years_as_dates",
     {"pipes.geojson": with_props("pipes.geojson", {"L1": {"install_year": "1984-05-01"}, "L2": {"install_year": "2014/5/1"}})},
     {"pipes.geojson": with_props("pipes.geojson", {})})
case("year_typo", files={"pipes.geojson": with_props("pipes.geojson", {"L2": {"install_year": "2204"}})})
case("year_month_13", files={"pipes.geojson": with_props("pipes.geojson", {"L2": {"install_year": "2014.13"}})})
case("year_excel_serial", files={"pipes.geojson": with_props("pipes.geojson", {"L2": {"install_year": 41760}})})

case("veto_approximate", files={"sites.geojson": with_props("sites.geojson", {"S3": {"flag": "约1"}})})
case("number_nan", files={"people.geojson": with_props("people.geojson", {"P3": {"population": "NaN"}})})
case("number_inf", files={"people.geojson": with_props("people.geojson", {"P3": {"population": "inf"}})})
case("number_unknown", files={"people.geojson": with_props("people.geojson", {"P3": {"population": "不详"}})})
case("number_wrong_unit", files={"people.geojson": with_props("people.geojson", {"P1": {"population": "1000户"}}), "sites_model.toml": unit_model})
case("number_decimal_comma", files={"people.geojson": with_props("people.geojson", {"P1": {"population": "1,5"}})})
# A numeric column (CSV typed by GDAL) holding NaN.
case("number_nan_csv", [(PEOPLE_CFG, 'path = "people.csv"\ncrs = "EPSG:4549"\nx_field = "x"\ny_field = "y"')],
     files={"people.csv": "id,population,x,y\nP1,1000,500100,3450300\nP2,3000,500600,3450900\nP3,NaN,501500,3450550\nP4,4000,501800,3450900\n"})

# --- Missing values: the model says what they mean; never an implicit 0.
case("empty_population", files={"people.geojson": with_props("people.geojson", {"P3": {"population": None}})})
pair("empty_population_zero",
     {"people.geojson": with_props("people.geojson", {"P3": {"population": None}}), "sites_model.toml": model([("radius_m = 250\n", "radius_m = 250\nmissing = \"zero\"\n")])},
     {"people.geojson": with_props("people.geojson", {"P3": {"population": 0}}), "sites_model.toml": model([("radius_m = 250\n", "radius_m = 250\nmissing = \"zero\"\n")])})
reject_model = model([("radius_m = 250\n", "radius_m = 250\nmissing = \"reject\"\n")])
pair("empty_population_reject",
     {"people.geojson": with_props("people.geojson", {"P3": {"population": ""}}), "sites_model.toml": reject_model},
     {"people.geojson": without("people.geojson", {"P3"}), "sites_model.toml": reject_model})
case("empty_flag", files={"sites.geojson": with_props("sites.geojson", {"S3": {"flag": None}})})
worst_veto = model([('reason = "测试否决"', 'reason = "测试否决"\nmissing = "worst"')])
pair("empty_flag_worst",
     {"sites.geojson": with_props("sites.geojson", {"S3": {"flag": None}}), "sites_model.toml": worst_veto},
     {"sites.geojson": with_props("sites.geojson", {"S3": {"flag": 1}}), "sites_model.toml": worst_veto})
worst_control = model([("factors = { A = 0.5, B = 1.0 }", "factors = { A = 0.5, B = 1.0 }\nmissing = \"worst\"")])
pair("empty_grade_worst",
     {"sites.geojson": with_props("sites.geojson", {"S2": {"grade": " "}}), "sites_model.toml": worst_control},
     {"sites.geojson": with_props("sites.geojson", {"S2": {"grade": "B"}}), "sites_model.toml": worst_control})
case("empty_category", files={"sites.geojson": with_props("sites.geojson", {"S4": {"cls": None}})})

# --- Text encodings: GBK without a .cpg is decoded when declared, refused otherwise.
streets_text = fixture("streets.geojson")
case("gbk_streets", [(STREETS_CFG, 'path = "streets.shp"')], files={"streets.shp": shapefile(streets_text, "CP936")})
case("gbk_streets_declared", [(STREETS_CFG, 'path = "streets.shp"\nencoding = "GBK"')], files={"streets.shp": shapefile(streets_text, "CP936")})
case("gbk_streets_declared.clean", [(STREETS_CFG, 'path = "streets.shp"')], files={"streets.shp": shapefile(streets_text, "UTF-8", keep_cpg=True)})
sites_named = with_props("sites.geojson", {"S1": {"name": "甲化工厂"}, "S2": {"name": "乙仓库"}, "S3": {"name": "丙加油站"}, "S4": {"name": "丁码头"}})
case("gbk_sites", [(SITES_CFG, 'path = "sites.shp"')], files={"sites.shp": shapefile(json.dumps(sites_named, ensure_ascii=False), "CP936")})
people_csv = "id,name,population,x,y\nP1,居民点甲,1000,500100,3450300\nP2,居民点乙,3000,500600,3450900\nP3,居民点丙,500,501500,3450550\nP4,居民点丁,4000,501800,3450900\n"
csv_cfg = 'path = "people.csv"\ncrs = "EPSG:4549"\nx_field = "x"\ny_field = "y"'
case("gbk_csv", [(PEOPLE_CFG, csv_cfg)], files={"people.csv": people_csv.encode("gbk")})
case("gbk_csv_declared", [(PEOPLE_CFG, csv_cfg + '\nencoding = "GBK"')], files={"people.csv": people_csv.encode("gbk")})
case("gbk_csv_declared.clean", [(PEOPLE_CFG, csv_cfg)], files={"people.csv": people_csv})

# --- A delivery as it comes: a GBK CSV with Chinese headers, GCJ-02 web-map
# coordinates (declared), full-width digits, a padded grade and a blank cell
# that the model says counts as 0; its twin is the same data typed cleanly.
cn_model = model([('field = "cls"', 'field = "类别"'), ('field = "grade"', 'field = "管控等级"'),
                  ('when = "flag > 0"', 'when = "隐患数 > 0"'), ('reason = "测试否决"', 'reason = "测试否决"\nmissing = "zero"')])
cn_rows = []
for sid, (x, y), cls, grade, flag in zip(["S1", "S2", "S3", "S4"], [(500100, 3450100), (500600, 3450600), (501500, 3450500), (501800, 3450800)],
                                         ["high", "high", "low", "low"], [("Ｂ", "B"), (" A", "A"), ("B", "B"), ("B ", "B")], [("０", "0"), ("", "0"), ("１", "1"), ("0", "0")]):
    lon, lat = wgs84_to_gcj02(*to_lonlat(x, y))
    cn_rows.append((sid, cls, grade, flag, f"{lon:.8f}", f"{lat:.8f}"))
cn_header = "编号,类别,管控等级,隐患数,经度,纬度\n"
cn_dirty = cn_header + "".join(f"{i},{c},{g[0]},{f[0]},{lo},{la}\n" for i, c, g, f, lo, la in cn_rows)
cn_clean = cn_header + "".join(f"{i},{c},{g[1]},{f[1]},{lo},{la}\n" for i, c, g, f, lo, la in cn_rows)
cn_cfg = 'path = "sites.csv"\ncrs = "EPSG:4326"\noffset = "gcj02"\nx_field = "经度"\ny_field = "纬度"\nid_field = "编号"'
case("chinese_gbk_gcj02", [(SITES_CFG + '\nid_field = "id"', cn_cfg + '\nencoding = "GBK"')], files={"sites.csv": cn_dirty.encode("gbk"), "sites_model.toml": cn_model})
case("chinese_gbk_gcj02.clean", [(SITES_CFG + '\nid_field = "id"', cn_cfg)], files={"sites.csv": cn_clean, "sites_model.toml": cn_model})

# --- A census spreadsheet as it comes back: title rows above Chinese
# headers, blank rows between objects, names, GCJ-02 coordinates, numbers as
# numbers and as text; `fields` maps the model's names to the columns. Its
# twin is the same data as a plain CSV with the model's own column names.
def sheet(rows, title=("甲区测试单位安全风险摸排表", "", "填表单位：测试区应急管理局")):
    def write(path):
        import openpyxl
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.title = "测试单位"
        for t in title:
            ws.append([t] if t else [])
        for r in rows:
            ws.append(list(r))
        wb.save(path)
    return write

xl_header = ("编号", "单位名称", "类别", "管控等级", "隐患数", "经度", "纬度")
xl_rows = []
clean_rows = ["id,name,cls,grade,flag,lon,lat"]
for (sid, name), (x, y), cls, grade, flag in zip([("S1", "甲化工厂"), ("S2", "乙仓库"), ("S3", "丙加油站"), ("S4", "丁码头")],
                                                 [(500100, 3450100), (500600, 3450600), (501500, 3450500), (501800, 3450800)],
                                                 ["high", "high", "low", "low"], ["B", "A", "B", "B"], [0, 0, 1, 0]):
    lon, lat = wgs84_to_gcj02(*to_lonlat(x, y))
    lon, lat = round(lon, 7), round(lat, 7)
    xl_rows.append((sid, name, cls, grade, flag if sid != "S4" else "０", lon, lat))
    clean_rows.append(f"{sid},{name},{cls},{grade},{flag},{lon},{lat}")
xl_body = [xl_header, xl_rows[0], xl_rows[1], (), (None, " ", None), xl_rows[2], xl_rows[3]]
XL_FIELDS = '\n[layers.sites.fields]\nname = "单位名称"\ncls = "类别"\ngrade = "管控等级"\nflag = "隐患数"\n'
xl_cfg = 'path = "sites.xlsx"\ncrs = "EPSG:4326"\noffset = "gcj02"\nid_field = "编号"'
case("sheet_gcj02_mapped", [(SITES_CFG + '\nid_field = "id"', xl_cfg), ("[layers.people]", XL_FIELDS + "\n[layers.people]")], files={"sites.xlsx": sheet(xl_body)})
case("sheet_gcj02_mapped.clean", [(SITES_CFG + '\nid_field = "id"', 'path = "sites.csv"\ncrs = "EPSG:4326"\noffset = "gcj02"\nx_field = "lon"\ny_field = "lat"\nid_field = "id"')],
     files={"sites.csv": "\n".join(clean_rows) + "\n"})
# A coordinate that is not a number, a mapping to a column the sheet does not
# have, an empty category: each named by sheet and Excel row.
bad_coord = [xl_header, xl_rows[0], xl_rows[1], (), xl_rows[2][:5] + ("121°75′18″", xl_rows[2][6]), xl_rows[3]]
case("sheet_bad_coordinate", [(SITES_CFG + '\nid_field = "id"', xl_cfg), ("[layers.people]", XL_FIELDS + "\n[layers.people]")], files={"sites.xlsx": sheet(bad_coord)})
case("sheet_unmapped_column", [(SITES_CFG + '\nid_field = "id"', xl_cfg), ("[layers.people]", XL_FIELDS.replace('"类别"', '"单位类别"') + "\n[layers.people]")],
     files={"sites.xlsx": sheet(xl_body)})
empty_cls = [xl_header, xl_rows[0], xl_rows[1], (), xl_rows[2][:2] + (None,) + xl_rows[2][3:], xl_rows[3]]
case("sheet_empty_category", [(SITES_CFG + '\nid_field = "id"', xl_cfg), ("[layers.people]", XL_FIELDS + "\n[layers.people]")], files={"sites.xlsx": sheet(empty_cls)})
# No row names the coordinate columns: the header cannot be found.
case("sheet_no_header", [(SITES_CFG + '\nid_field = "id"', xl_cfg), ("[layers.people]", XL_FIELDS + "\n[layers.people]")],
     files={"sites.xlsx": sheet([tuple("X坐标" if h == "经度" else h for h in xl_header)] + xl_rows)})

# A clean workbook whose header is row 1 (no title rows), as exported by most systems.
case("sheet_header_row_1", [(SITES_CFG + '\nid_field = "id"', xl_cfg), ("[layers.people]", XL_FIELDS + "\n[layers.people]")],
     files={"sites.xlsx": sheet(xl_body, title=())})
case("sheet_header_row_1.clean", [(SITES_CFG + '\nid_field = "id"', 'path = "sites.csv"\ncrs = "EPSG:4326"\noffset = "gcj02"\nx_field = "lon"\ny_field = "lat"\nid_field = "id"')],
     files={"sites.csv": "\n".join(clean_rows) + "\n"})


# A header over two rows: 基本信息 over 编号/单位名称, 坐标 over 经度/纬度 (merged
# across), 类别/管控等级/隐患数 merged down. Found by itself, and by header_rows = 2.
def two_row_sheet(path):
    import openpyxl
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "测试单位"
    ws.append(["甲区测试单位安全风险摸排表"])
    ws.append(["基本信息", None, "类别", "管控等级", "隐患数", "坐标", None])
    ws.append(["编号", "单位名称", None, None, None, "经度", "纬度"])
    for c in ("A2:B2", "F2:G2", "C2:C3", "D2:D3", "E2:E3"):
        ws.merge_cells(c)
    for r in xl_rows:
        ws.append(list(r))
    wb.save(path)


TWO_ROW_FIELDS = XL_FIELDS.replace('"单位名称"', '"基本信息/单位名称"')
two_row_cfg = 'path = "sites.xlsx"\ncrs = "EPSG:4326"\noffset = "gcj02"\nid_field = "基本信息/编号"'
for name, extra in (("sheet_two_row_header", ""), ("sheet_two_row_header_declared", "\nheader_rows = 2")):
    case(name, [(SITES_CFG + '\nid_field = "id"', two_row_cfg + extra), ("[layers.people]", TWO_ROW_FIELDS + "\n[layers.people]")],
         files={"sites.xlsx": two_row_sheet})
    case(name + ".clean", [(SITES_CFG + '\nid_field = "id"', 'path = "sites.csv"\ncrs = "EPSG:4326"\noffset = "gcj02"\nx_field = "lon"\ny_field = "lat"\nid_field = "id"')],
         files={"sites.csv": "\n".join(clean_rows) + "\n"})


# Numbers as Excel holds them: the flag as a float 1.0, a category typed as
# a number-looking text; coordinates as floats. Read as the cell shows them.
def typed_sheet(path):
    import openpyxl
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "测试单位"
    ws.append(list(xl_header))
    for r in xl_rows:
        r = list(r)
        r[4] = 1.0 if r[4] == 1 else 0.0
        ws.append(r)
    wb.save(path)


case("sheet_typed_cells", [(SITES_CFG + '\nid_field = "id"', xl_cfg), ("[layers.people]", XL_FIELDS + "\n[layers.people]")], files={"sites.xlsx": typed_sheet})
case("sheet_typed_cells.clean", [(SITES_CFG + '\nid_field = "id"', 'path = "sites.csv"\ncrs = "EPSG:4326"\noffset = "gcj02"\nx_field = "lon"\ny_field = "lat"\nid_field = "id"')],
     files={"sites.csv": "\n".join(clean_rows) + "\n"})

# --- CSVs as assessors type them: a title line above the header, headers
# sise does not know (header_row, x_field/y_field), coordinates in
# degrees–minutes–seconds or full-width digits. Read by sise's own table
# reader, as a workbook is; each twin is the plain CSV.
def dms(v, pos, neg):
    d = int(v)
    m = int((v - d) * 60)
    sec = (v - d - m / 60) * 3600
    return f"{d}°{m}′{sec:.6f}″{pos if v >= 0 else neg}"


def full_width(t):
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in t)


def csv_of(header, rows, title=None):
    lines = ([title] if title else []) + [",".join(header)] + [",".join(str(c) for c in r) for r in rows]
    return "\n".join(lines) + "\n"


cn_csv_rows = [(sid, name, cls, grade, str(flag).replace("０", "0"), lon, lat) for sid, name, cls, grade, flag, lon, lat in xl_rows]
csv_layer = 'path = "sites.csv"\ncrs = "EPSG:4326"\noffset = "gcj02"\nid_field = "编号"'
csv_edits = lambda layer: [(SITES_CFG + '\nid_field = "id"', layer), ("[layers.people]", XL_FIELDS + "\n[layers.people]")]
clean_twin = {"sites.csv": "\n".join(clean_rows) + "\n"}
clean_cfg = [(SITES_CFG + '\nid_field = "id"', 'path = "sites.csv"\ncrs = "EPSG:4326"\noffset = "gcj02"\nx_field = "lon"\ny_field = "lat"\nid_field = "id"')]
TITLE = "甲区测试单位安全风险摸排表（2024年）"
east_north = ("编号", "单位名称", "类别", "管控等级", "隐患数", "东经", "北纬")
for name, layer, text in (
    ("csv_title_row", csv_layer, csv_of(xl_header, cn_csv_rows, TITLE)),
    ("csv_header_row", csv_layer + '\nheader_row = 2\nx_field = "东经"\ny_field = "北纬"', csv_of(east_north, cn_csv_rows, TITLE)),
    ("csv_dms", csv_layer, csv_of(xl_header, [r[:5] + (dms(r[5], "E", "W"), dms(r[6], "N", "S")) for r in cn_csv_rows])),
    ("csv_full_width", csv_layer, csv_of(xl_header, [r[:5] + (full_width(str(r[5])), " " + full_width(str(r[6])) + " ") for r in cn_csv_rows])),
):
    case(name, csv_edits(layer), files={"sites.csv": text})
    case(name + ".clean", clean_cfg, files=clean_twin)
# Excel's "CSV UTF-8" on Windows: a byte-order mark and CRLF line ends; a
# European export: semicolons; an address cell quoted over two lines, so
# records and lines differ (messages name the line a record starts on).
crlf = "\ufeff" + csv_of(xl_header, cn_csv_rows).replace("\n", "\r\n")
semicolon = csv_of(xl_header, cn_csv_rows).replace(",", ";")
addr_header = xl_header[:2] + ("地址",) + xl_header[2:]
addr_rows = [r[:2] + (f'"测试区{r[0]}路1号\n（{r[1]}南门）"',) + r[2:] for r in cn_csv_rows]
for name, text in (("csv_bom_crlf", crlf), ("csv_semicolon", semicolon), ("csv_multiline_cell", csv_of(addr_header, addr_rows))):
    case(name, csv_edits(csv_layer), files={"sites.csv": text})
    case(name + ".clean", clean_cfg, files=clean_twin)
# The same multi-line cells with a bad flag in S3's record: named by the line it starts on (line 6).
bad_flag = [r[:5] + ("约1" if r[0] == "S3" else r[5],) + r[6:] for r in addr_rows]
case("csv_multiline_bad_flag", csv_edits(csv_layer), files={"sites.csv": csv_of(addr_header, bad_flag)})
# A CSV with its geometry as WKT text (no coordinate columns): GDAL's CSV driver reads it.
wkt_people = "id,population,WKT\n" + "".join(
    f'{f["properties"]["id"]},{f["properties"]["population"]},"POINT ({f["geometry"]["coordinates"][0]} {f["geometry"]["coordinates"][1]})"\n'
    for f in geojson("people.geojson")["features"])
case("csv_wkt", [(PEOPLE_CFG, 'path = "people.csv"\ncrs = "EPSG:4549"')], files={"people.csv": wkt_people})
case("csv_wkt.clean")
bad_dms = [r[:5] + (dms(r[5], "E", "W"), dms(r[6], "N", "S")) for r in cn_csv_rows]
bad_dms[2] = bad_dms[2][:5] + ("121°20′75″E", bad_dms[2][6])
case("csv_bad_dms", csv_edits(csv_layer), files={"sites.csv": csv_of(xl_header, bad_dms)})
# A header that names no coordinate columns sise knows: the hint names the row and the columns.
case("csv_no_header", csv_edits(csv_layer), files={"sites.csv": csv_of(east_north, cn_csv_rows, TITLE)})

# --- A census sheet with known gaps, for `sise validate --report`: empty
# and invalid values, a duplicate id, a row without coordinates, a suspected
# double registration, and GCJ-02 coordinates declared as WGS84 (the three
# sites near the east edge then read ~500 m east, outside the district).
gap_rows = [  # id, name, cls, grade, flag, declared 街镇, true position
    ("Q01", "甲厂", "high", "B", 0, "甲街道", (500200, 3450200)),
    ("Q02", "乙厂", "high", "A", 0, "甲街道", (500400, 3450700)),
    ("Q03", "丙厂", None, "B", 0, "甲街道", (500700, 3450300)),
    ("Q04", "丁厂", "medium", "B", 0, "甲街道", (500800, 3450800)),
    ("Q05", "戊厂", "low", "E", 0, "乙镇", (501200, 3450300)),
    ("Q06", "己厂", "low", "B", "约1", "乙镇", (501300, 3450600)),
    ("Q07", "庚厂", "low", "B", 0, "乙镇", (501750, 3450400)),
    ("Q08", "辛厂", "high", "B", 0, "乙镇", (501850, 3450700)),
    ("Q09", "壬厂", None, "A", 0, "乙镇", (501900, 3450200)),
    ("Q05", "重复编号厂", "low", "B", 0, "乙镇", (501300, 3450500)),
    ("Q10", "甲厂", "high", "B", 0, "甲街道", (500205, 3450205)),
    ("Q11", "癸厂", "low", "B", 0, "乙镇", None),
]
gap_body = [("编号", "单位名称", "所在街镇", "类别", "管控等级", "隐患数", "经度", "纬度")]
for sid, name, cls, grade, flag, street, pos in gap_rows:
    lon, lat = (None, None) if pos is None else wgs84_to_gcj02(*to_lonlat(*pos))
    gap_body.append((sid, name, street, cls, grade, flag, None if lon is None else round(lon, 7), None if lat is None else round(lat, 7)))
gap_fields = XL_FIELDS.replace('name = "单位名称"', 'name = "单位名称"\nstreet = "所在街镇"')
case("quality_gaps", [(SITES_CFG + '\nid_field = "id"', 'path = "sites.xlsx"\ncrs = "EPSG:4326"\nid_field = "编号"'), ("[layers.people]", gap_fields + "\n[layers.people]")],
     files={"sites.xlsx": sheet(gap_body)})

# --- Objects outside the district are never the district's.
far_s4 = with_props("sites.geojson", {})
far_s4["features"][3]["geometry"]["coordinates"] = [504000, 3450800]  # 2 km east of 乙镇, inside the old 5 km margin
case("outside_objects", files={"sites.geojson": far_s4})
case("outside_objects_keep_going", files={"sites.geojson": far_s4})
pair("outside_objects_clipped", {"sites.geojson": far_s4}, {"sites.geojson": far_s4},
     config_edits=[('path = "sites.geojson"\ncrs = "EPSG:4549"\nid_field = "id"', 'path = "sites.geojson"\ncrs = "EPSG:4549"\nid_field = "id"\nclip_to_district = true')])
# The twin without the far object, and without clip_to_district: what the clipped run must equal.
shutil.rmtree(os.path.join(CASES, "outside_objects_clipped.clean"))
case("outside_objects_clipped.clean", files={"sites.geojson": without("sites.geojson", {"S4"})})
# GCJ-02 coordinates declared as plain WGS84: four sites near the east edge land ~400 m outside.
rows = ["id,cls,grade,flag,lon,lat"]
for sid, (x, y) in zip(["S1", "S2", "S3", "S4"], [(501850, 3450100), (501900, 3450400), (501950, 3450600), (501880, 3450850)]):
    lon, lat = wgs84_to_gcj02(*to_lonlat(x, y))
    rows.append(f"{sid},high,B,0,{lon:.7f},{lat:.7f}")
gcj_cfg = 'path = "sites.csv"\ncrs = "EPSG:4326"\nx_field = "lon"\ny_field = "lat"\nid_field = "id"'
case("outside_gcj02", [(SITES_CFG + '\nid_field = "id"', gcj_cfg)], files={"sites.csv": "\n".join(rows) + "\n"})
# Projected coordinates with x and y swapped.
swapped = ["id,cls,grade,flag,x,y"] + [f"S{i + 1},high,B,0,{y},{x}" for i, (x, y) in enumerate([(500100, 3450100), (500600, 3450600), (501500, 3450500), (501800, 3450800)])]
case("outside_swapped", [(SITES_CFG + '\nid_field = "id"', 'path = "sites.csv"\ncrs = "EPSG:4549"\nx_field = "x"\ny_field = "y"\nid_field = "id"')],
     files={"sites.csv": "\n".join(swapped) + "\n"})

# --- Configs that `validate` must refuse exactly as `run` does (categories and grades are only known when scored).
case("unknown_grade", files={"sites.geojson": with_props("sites.geojson", {"S2": {"grade": "C"}})})
case("unknown_category", files={"sites.geojson": with_props("sites.geojson", {"S4": {"cls": "medium"}})})

# --- Markup and formulas in every text the outputs carry.
evil = {
    "A01": {"name": "<img src=x onerror=alert(1)>甲街道", "code": "A01"},
    "B02": {"name": "=HYPERLINK(\"http://evil.example\",\"乙镇\")", "code": "B02\"/><x onclick=alert(1)>"},
}
streets_evil = with_props("streets.geojson", evil)
sites_evil = with_props("sites.geojson", {})
for f, new_id in zip(sites_evil["features"], ["<script>alert(1)</script>", "S\"2'<b>", "S3]]>", "=cmd|' /C calc'!A0"]):
    f["properties"]["id"] = new_id
people_evil = with_props("people.geojson", {})
people_evil["features"][0]["properties"]["id"] = "@SUM(1+1)"
pipes_evil = with_props("pipes.geojson", {})
pipes_evil["features"][0]["properties"]["id"] = "+1-2<svg onload=alert(1)>"
case("injection", [('district = "测试区"', 'district = "测试区<script>alert(1)</script>"')],
     files={"streets.geojson": streets_evil, "sites.geojson": sites_evil, "people.geojson": people_evil, "pipes.geojson": pipes_evil})

print("cases written to", CASES)
