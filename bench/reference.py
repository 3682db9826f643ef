"""The reference a GIS analyst would write instead of sise: GeoPandas +
Shapely 2 scoring D01 (危险化学品), D02 (城镇燃气) and D16 (防汛防台) on a
`sise bench-data` folder, with the indicators, weights, control factors,
vetoes and thresholds of assessment-models/D01, D02 and D16.

    python reference.py DATA_DIR OUT.csv [OUT.gpkg] # score (this is what is timed)
    python reference.py check OUT.csv SISE.gpkg     # compare with sise's levels

The first writes one row per object (domain, id, score, level) and, with
OUT.gpkg, each domain's scored objects as a layer with sise's columns (id,
street, every indicator value and score, inherent, control factor, score,
level, level name, colour, veto reason): the like-for-like output. The second
compares those levels with sise's output GeoPackage object by object and
exits 1 on any difference, so the benchmark compares two tools that compute
the same thing.
"""

import json
import math
import os
import sys
import time

import numpy as np
import pandas as pd
import geopandas as gpd
import pyogrio
import rasterio
import shapely

CRS = "EPSG:4549"
YEAR = 2024


def steps(values, table):
    """Score of the last step whose threshold is <= value (the first step below all)."""
    xs = np.array([t for t, _ in table], dtype=float)
    ss = np.array([s for _, s in table], dtype=float)
    k = np.searchsorted(xs, values, side="right") - 1
    return ss[np.clip(k, 0, None)]


def linear(values, lo, hi):
    return np.clip((values - lo) / (hi - lo), 0.0, 1.0) * 100.0


def categories(values, table):
    out = values.map(table)
    if out.isna().any():
        raise SystemExit(f"unknown categories: {sorted(set(values[out.isna()]))}")
    return out.to_numpy(dtype=float)


def levels(score, red, orange, yellow):
    """1 重大 … 4 低风险, a score reaching a threshold takes its level."""
    return np.where(score >= red, 1, np.where(score >= orange, 2, np.where(score >= yellow, 3, 4)))


def gcj02_to_wgs84(lon, lat):
    """Iterative inverse of the published WGS84 → GCJ-02 formula (as sise does)."""
    a, ee = 6378245.0, 0.006693421622965943

    def forward(lon, lat):
        x, y = lon - 105.0, lat - 35.0
        dlat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * np.sqrt(np.abs(x))
        dlat += (20.0 * np.sin(6.0 * x * math.pi) + 20.0 * np.sin(2.0 * x * math.pi)) * 2.0 / 3.0
        dlat += (20.0 * np.sin(y * math.pi) + 40.0 * np.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
        dlat += (160.0 * np.sin(y / 12.0 * math.pi) + 320.0 * np.sin(y * math.pi / 30.0)) * 2.0 / 3.0
        dlon = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * np.sqrt(np.abs(x))
        dlon += (20.0 * np.sin(6.0 * x * math.pi) + 20.0 * np.sin(2.0 * x * math.pi)) * 2.0 / 3.0
        dlon += (20.0 * np.sin(x * math.pi) + 40.0 * np.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
        dlon += (150.0 * np.sin(x / 12.0 * math.pi) + 300.0 * np.sin(x / 30.0 * math.pi)) * 2.0 / 3.0
        rad = lat / 180.0 * math.pi
        magic = 1.0 - ee * np.sin(rad) ** 2
        sq = np.sqrt(magic)
        dlat = dlat * 180.0 / ((a * (1.0 - ee)) / (magic * sq) * math.pi)
        dlon = dlon * 180.0 / (a / sq * np.cos(rad) * math.pi)
        return lon + dlon, lat + dlat

    x, y = lon.copy(), lat.copy()
    for _ in range(30):
        fx, fy = forward(x, y)
        dx, dy = fx - lon, fy - lat
        x, y = x - dx, y - dy
        if np.all(np.abs(dx) < 1e-11) and np.all(np.abs(dy) < 1e-11):
            break
    return x, y


def read(path, **kw):
    return gpd.read_file(path, engine="pyogrio", **kw).to_crs(CRS)


def sum_within(objects, others, field, radius):
    """Sum of `field` over the other features within `radius` m of each object."""
    left, right = others.sindex.query(objects.geometry, predicate="dwithin", distance=radius)
    sums = np.bincount(left, weights=others[field].to_numpy(dtype=float)[right], minlength=len(objects))
    return sums


def nearest(objects, others):
    _, dist = others.sindex.nearest(objects.geometry, return_all=False, return_distance=True)
    return dist


def area_within(objects, polygons, radius):
    """m² of `polygons` inside each object buffered by `radius` (round caps, 8 segments a quarter)."""
    zones = shapely.buffer(objects.geometry.values, radius, quad_segs=8)
    left, right = polygons.sindex.query(zones, predicate="intersects")
    inter = shapely.area(shapely.intersection(zones[left], polygons.geometry.values[right]))
    return np.bincount(left, weights=inter, minlength=len(objects))


LEVEL_NAMES = {1: "重大风险", 2: "较大风险", 3: "一般风险", 4: "低风险"}
COLOURS = {1: "#E60000", 2: "#FF8C00", 3: "#FFD700", 4: "#1E90FF"}


def scored(domain, objects, indicators, inherent, factor, score, level, veto):
    """The domain's scored objects with sise's columns (`indicators`: name → (value, score))."""
    cols = {"id": objects["id"].to_numpy()}
    for name, (value, points) in indicators.items():
        cols[name] = value
        cols[f"{name}_score"] = points
    cols.update({"inherent": inherent, "control_factor": factor, "score": score, "level": level,
                 "level_name": [LEVEL_NAMES[int(v)] for v in level], "colour": [COLOURS[int(v)] for v in level],
                 "veto_reason": veto})
    return gpd.GeoDataFrame(cols, geometry=objects.geometry.values, crs=CRS).assign(domain=domain)


def d01(data, residential, sensitive):
    csv = pd.read_csv(f"{data}/chemical_enterprises.csv", dtype={"id": str})
    lon, lat = gcj02_to_wgs84(csv["lon"].to_numpy(), csv["lat"].to_numpy())
    chem = gpd.GeoDataFrame(csv, geometry=gpd.points_from_xy(lon, lat), crs="EPSG:4326").to_crs(CRS)
    hazard = chem["hazard_class"].str.strip()
    grade = chem["major_hazard_grade"].str.strip()
    pop = sum_within(chem, residential, "population", 1000.0)
    near = nearest(chem, sensitive)
    ind = {
        "hazard_class": (hazard, categories(hazard, {"爆炸品": 100, "毒性物质": 90, "易燃气体": 80, "易燃液体": 60, "氧化性物质": 50, "腐蚀性物质": 40})),
        "major_hazard_grade": (grade, categories(grade, {"一级": 100, "二级": 80, "三级": 60, "四级": 40, "无": 10})),
        "population_1km": (pop, steps(pop, [(0, 10), (10000, 30), (30000, 50), (60000, 75), (100000, 100)])),
        "sensitive_distance": (near, steps(near, [(0, 100), (100, 70), (300, 40), (500, 10)])),
    }
    weights = {"hazard_class": 0.25, "major_hazard_grade": 0.25, "population_1km": 0.30, "sensitive_distance": 0.20}
    s = sum(w * ind[k][1] for k, w in weights.items())
    factor = categories(chem["control_grade"].str.strip(), {"A": 0.8, "B": 0.95, "C": 1.1, "D": 1.3})
    score = np.minimum(s * factor, 100.0)
    level = levels(score, 72, 55, 40)
    hidden = chem["major_hidden_danger_unrectified"].to_numpy() > 0
    level = np.where(hidden, 1, level)
    grade_d = chem["control_grade"].str.strip() == "D"
    level = np.where(grade_d, np.minimum(level, 2), level)
    veto = np.where(hidden, "存在未整改重大事故隐患", np.where(grade_d, "企业安全管理等级为D级", None))
    return scored("D01", chem, ind, s, factor, score, level, veto)


def d02(data, residential):
    pipes = read(f"{data}/gas_pipelines.gpkg", layer="pipelines")
    sites = read(f"{data}/construction_sites.gpkg")
    age = np.maximum(YEAR - pipes["install_year"].to_numpy(dtype=float), 0.0)
    if ((age < 0) | (age > 150)).any():
        raise SystemExit("pipe age outside [0, 150]")
    pressure, material = pipes["pressure"].str.strip(), pipes["material"].str.strip()
    pop = sum_within(pipes, residential, "population", 200.0)
    sites_m2 = area_within(pipes, sites, 100.0)
    ind = {
        "pipe_age": (age, steps(age, [(0, 10), (10, 30), (20, 60), (30, 85), (40, 100)])),
        "pressure": (pressure, categories(pressure, {"次高压": 100, "中压": 70, "低压": 35})),
        "material": (material, categories(material, {"铸铁": 100, "钢": 60, "PE": 20})),
        "population_200m": (pop, linear(pop, 0, 12000)),
        "construction_100m": (sites_m2, linear(sites_m2, 0, 20000)),
    }
    weights = {"pipe_age": 0.25, "pressure": 0.20, "material": 0.20, "population_200m": 0.25, "construction_100m": 0.10}
    s = sum(w * ind[k][1] for k, w in weights.items())
    factor = categories(pipes["maintenance_grade"].str.strip(), {"A": 0.85, "B": 1.0, "C": 1.15, "D": 1.3})
    score = np.minimum(s * factor, 100.0)
    level = levels(score, 80, 60, 40)
    leak = pipes["leak_unrepaired"].to_numpy() > 0
    level = np.where(leak, 1, level)
    return scored("D02", pipes, ind, s, factor, score, level, np.where(leak, "存在未修复泄漏", None))


def d16(data, residential):
    pumps = read(f"{data}/pumping_stations.geojson")
    with rasterio.open(f"{data}/inundation_50y.tif") as r:
        band = r.read(1)
        t, nodata = r.transform, r.nodata
    x, y = residential.geometry.x.to_numpy(), residential.geometry.y.to_numpy()
    col = np.floor((x - t.c) / t.a).astype(int)
    row = np.floor((y - t.f) / t.e).astype(int)
    inside = (col >= 0) & (col < band.shape[1]) & (row >= 0) & (row < band.shape[0])
    depth = np.zeros(len(x))
    depth[inside] = band[row[inside], col[inside]]
    depth[inside & (depth == nodata)] = 0.0  # `missing = 0`: no data means no water
    pop = residential["population"].to_numpy(dtype=float)
    if ((pop < 0) | (pop > 50000)).any():
        raise SystemExit("population outside [0, 50000]")
    basement = residential["has_basement"].str.strip()
    pumps_m = nearest(residential, pumps)
    ind = {
        "inundation_depth": (depth, steps(depth, [(0, 0), (0.05, 20), (0.15, 45), (0.3, 70), (0.5, 90), (0.8, 100)])),
        "population": (pop, linear(pop, 0, 5000)),
        "has_basement": (basement, categories(basement, {"是": 100, "否": 0})),
        "pumping_distance": (pumps_m, linear(pumps_m, 0, 2500)),
    }
    weights = {"inundation_depth": 0.50, "population": 0.20, "has_basement": 0.15, "pumping_distance": 0.15}
    s = sum(w * ind[k][1] for k, w in weights.items())
    factor = categories(residential["drainage_rp"].astype(str), {"1": 1.2, "3": 1.0, "5": 0.85})
    score = np.minimum(s * factor, 100.0)
    level = levels(score, 65, 45, 25)
    deep = depth >= 0.8
    level = np.where(deep, 1, level)
    return scored("D16", residential, ind, s, factor, score, level, np.where(deep, "50年一遇积水深度≥0.8米", None))


def check(ours, gpkg):
    """Every object's level equals sise's; prints the first differences."""
    layers = {"D01": "D01_hazardous_chemicals", "D02": "D02_urban_gas", "D16": "D16_flood_typhoon"}
    bad = 0
    for domain, layer in layers.items():
        sise = pyogrio.read_dataframe(gpkg, layer=layer, columns=["id", "score", "level"], read_geometry=False)
        mine = ours[ours["domain"] == domain]
        joined = mine.merge(sise, on="id", how="outer", suffixes=("_ref", "_sise"), indicator=True)
        missing = joined[joined["_merge"] != "both"]
        differ = joined[(joined["_merge"] == "both") & (joined["level_ref"] != joined["level_sise"])]
        max_diff = (joined["score_ref"] - joined["score_sise"]).abs().max()
        print(f"{domain}: {len(mine)} objects, {len(missing)} only on one side, {len(differ)} levels differ, max score difference {max_diff:.2e}")
        if len(differ):
            print(differ.head(10).to_string())
        bad += len(missing) + len(differ)
    return bad


def main():
    if sys.argv[1] == "check":
        _, _, ours, gpkg = sys.argv
        sys.exit(1 if check(pd.read_csv(ours, dtype={"id": str}), gpkg) else 0)
    data, out, gpkg = sys.argv[1], sys.argv[2], (sys.argv[3] if len(sys.argv) > 3 else None)
    start = time.perf_counter()
    residential = read(f"{data}/residential.geojson")
    sensitive = read(f"{data}/sensitive_sites.shp")
    streets = read(f"{data}/streets.geojson")
    shared = time.perf_counter() - start
    layers = [d01(data, residential, sensitive), d02(data, residential), d16(data, residential)]
    scored_s = time.perf_counter() - start
    pd.concat([pd.DataFrame(l[["domain", "id", "score", "level"]]) for l in layers]).to_csv(out, index=False)
    if gpkg:
        # As sise does: each object's 街镇 (here by its representative point), then one layer per domain.
        if os.path.exists(gpkg):
            os.remove(gpkg)
        names = {"D01": "D01_hazardous_chemicals", "D02": "D02_urban_gas", "D16": "D16_flood_typhoon"}
        for layer in layers:
            at = gpd.GeoDataFrame(geometry=layer.geometry.representative_point(), crs=CRS)
            hit = gpd.sjoin(at, streets[["code", "name", "geometry"]], how="left", predicate="within")
            hit = hit[~hit.index.duplicated()]
            layer.insert(1, "street_code", hit["code"].to_numpy())
            layer.insert(2, "street_name", hit["name"].to_numpy())
            layer.drop(columns="domain").to_file(gpkg, layer=names[layer["domain"].iloc[0]], driver="GPKG", engine="pyogrio")
    # Phases for RESULTS.md: reading the shared layers, reading own layers and
    # scoring, writing the scored layers.
    with open(out + ".timings.json", "w") as f:
        json.dump({"read_shared_s": shared, "score_s": scored_s - shared, "total_s": time.perf_counter() - start}, f)


if __name__ == "__main__":
    main()
