#!/usr/bin/env python3
"""Build the bad-input corpus: one folder per class of bad input, each a run
config over the hand-made fixture (tests/fixtures/handmade) with at most one
broken file. Rerun after changing a case: python3 tests/bad-input/build.py

tests/bad_input.rs runs `sise run` on every case and checks the exit code,
the message and that no output folder appears.
"""
import json
import os
import shutil

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURE = os.path.join(HERE, "..", "fixtures", "handmade")
CASES = os.path.join(HERE, "cases")
BASE_CONFIG = open(os.path.join(FIXTURE, "assessment.toml"), encoding="utf-8").read()


def fixture(name):
    return open(os.path.join(FIXTURE, name), encoding="utf-8").read()


def geojson(name):
    return json.loads(fixture(name))


def case(name, config_edits=(), files=None):
    """Write CASES/name/: the fixture config with `config_edits` (old, new)
    applied and paths pointing back at the fixture, plus `files`."""
    d = os.path.join(CASES, name)
    os.makedirs(d)
    cfg = BASE_CONFIG
    for f in ["streets.geojson", "sites.geojson", "people.geojson", "pipes.geojson", "depth.asc",
              "sites_model.toml", "pipes_model.toml", "depth_model.toml"]:
        if not (files and f in files):
            cfg = cfg.replace(f'"{f}"', f'"../../../fixtures/handmade/{f}"')
    for old, new in config_edits:
        assert old in cfg, (name, old)
        cfg = cfg.replace(old, new)
    open(os.path.join(d, "assessment.toml"), "w", encoding="utf-8").write(cfg)
    for f, content in (files or {}).items():
        if not isinstance(content, str):
            content = json.dumps(content, ensure_ascii=False, indent=1)
        open(os.path.join(d, f), "w", encoding="utf-8").write(content)


def edited(name, feature_id, change):
    fc = geojson(name)
    for f in fc["features"]:
        if f["properties"]["id"] == feature_id:
            change(f)
    return fc


shutil.rmtree(CASES, ignore_errors=True)

case("missing_file", [('"../../../fixtures/handmade/people.geojson"', '"people_missing.geojson"')])
case("unreadable_file", files={"people.geojson": "this is not GeoJSON {"})
case("missing_layer", [('path = "../../../fixtures/handmade/people.geojson"', 'path = "../../../fixtures/handmade/people.geojson"\nlayer = "residents"')])
case("missing_field", files={"sites.geojson": edited("sites.geojson", "S1", lambda f: None) | {
    "features": [dict(f, properties={k: v for k, v in f["properties"].items() if k != "grade"}) for f in geojson("sites.geojson")["features"]]}})
case("wrong_type", files={"people.geojson": edited("people.geojson", "P3", lambda f: f["properties"].update(population="many"))})
case("out_of_range", files={"people.geojson": edited("people.geojson", "P1", lambda f: f["properties"].update(population=250000))})
case("unknown_category", files={"sites.geojson": edited("sites.geojson", "S4", lambda f: f["properties"].update(cls="medium"))})
case("empty_layer", files={"people.geojson": dict(geojson("people.geojson"), features=[])})
case("null_geometry", files={"sites.geojson": edited("sites.geojson", "S2", lambda f: f.update(geometry=None))})
bowtie = {"type": "Polygon", "coordinates": [[[501000, 3450000], [502000, 3451000], [502000, 3450000], [501000, 3451000], [501000, 3450000]]]}
streets_bowtie = geojson("streets.geojson")
streets_bowtie["features"][1]["geometry"] = bowtie
case("invalid_geometry", files={"streets.geojson": streets_bowtie})
case("invalid_geometry_repaired", [("grid_cell_m = 250", "grid_cell_m = 250\nrepair_invalid_geometry = true")], files={"streets.geojson": streets_bowtie})
case("geometry_type", files={"sites.geojson": edited("sites.geojson", "S2", lambda f: f.update(
    geometry={"type": "LineString", "coordinates": [[500600, 3450600], [500700, 3450700]]}))})
case("no_crs", [('path = "../../../fixtures/handmade/people.geojson"\ncrs = "EPSG:4549"', 'path = "people.csv"\nx_field = "x"\ny_field = "y"')],
     files={"people.csv": "id,population,x,y\nP1,1000,500100,3450300\n"})
case("unknown_crs", [('path = "../../../fixtures/handmade/people.geojson"\ncrs = "EPSG:4549"', 'path = "../../../fixtures/handmade/people.geojson"\ncrs = "EPSG:999999"')])
# WGS84 points with latitude and longitude swapped, as a hand-made CSV export often has them.
case("swapped_lon_lat", [('path = "../../../fixtures/handmade/people.geojson"\ncrs = "EPSG:4549"', 'path = "people.csv"\ncrs = "EPSG:4326"\nx_field = "lon"\ny_field = "lat"')],
     files={"people.csv": "id,population,lon,lat\nP1,1000,31.16,121.10\n"})
case("outside_district", files={"people.geojson": edited("people.geojson", "P4", lambda f: f["geometry"].update(coordinates=[601800, 3450900]))})
case("duplicate_id", files={"sites.geojson": edited("sites.geojson", "S3", lambda f: f["properties"].update(id="S1"))})
case("malformed_config", [("year = 2024", "year = 2024 2025")])
case("malformed_model", files={"sites_model.toml": fixture("sites_model.toml").replace("weight = 0.5\n\n[[indicator]]", "weight = 0.3\n\n[[indicator]]")})
print("cases written to", CASES)
