"""The reference a GIS analyst would write instead of sise: GeoPandas +
Shapely 2 scoring D01 (危险化学品), D02 (城镇燃气) and D16 (防汛防台) on a
`sise bench-data` folder, with the indicators, weights, control factors,
vetoes and thresholds of assessment-models/D01, D02 and D16.

    python reference.py DATA_DIR OUT.csv        # score (this is what is timed)
    python reference.py check OUT.csv SISE.gpkg # compare with sise's levels

The first writes one row per object (domain, id, score, level). The second
compares those levels with sise's output GeoPackage object by object and
exits 1 on any difference, so the benchmark compares two tools that compute
the same thing.
"""

import json
import math
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


def d01(data, residential, sensitive):
    csv = pd.read_csv(f"{data}/chemical_enterprises.csv", dtype={"id": str})
    lon, lat = gcj02_to_wgs84(csv["lon"].to_numpy(), csv["lat"].to_numpy())
    chem = gpd.GeoDataFrame(csv, geometry=gpd.points_from_xy(lon, lat), crs="EPSG:4326").to_crs(CRS)
    s = (
        0.25 * categories(chem["hazard_class"].str.strip(), {"爆炸品": 100, "毒性物质": 90, "易燃气体": 80, "易燃液体": 60, "氧化性物质": 50, "腐蚀性物质": 40})
        + 0.25 * categories(chem["major_hazard_grade"].str.strip(), {"一级": 100, "二级": 80, "三级": 60, "四级": 40, "无": 10})
        + 0.30 * steps(sum_within(chem, residential, "population", 1000.0), [(0, 10), (10000, 30), (30000, 50), (60000, 75), (100000, 100)])
        + 0.20 * steps(nearest(chem, sensitive), [(0, 100), (100, 70), (300, 40), (500, 10)])
    )
    score = np.minimum(s * categories(chem["control_grade"].str.strip(), {"A": 0.8, "B": 0.95, "C": 1.1, "D": 1.3}), 100.0)
    level = levels(score, 72, 55, 40)
    level = np.where(chem["major_hidden_danger_unrectified"].to_numpy() > 0, 1, level)
    level = np.where(chem["control_grade"].str.strip() == "D", np.minimum(level, 2), level)
    return pd.DataFrame({"domain": "D01", "id": chem["id"], "score": score, "level": level})


def d02(data, residential):
    pipes = read(f"{data}/gas_pipelines.gpkg", layer="pipelines")
    sites = read(f"{data}/construction_sites.gpkg")
    age = np.maximum(YEAR - pipes["install_year"].to_numpy(dtype=float), 0.0)
    if ((age < 0) | (age > 150)).any():
        raise SystemExit("pipe age outside [0, 150]")
    s = (
        0.25 * steps(age, [(0, 10), (10, 30), (20, 60), (30, 85), (40, 100)])
        + 0.20 * categories(pipes["pressure"].str.strip(), {"次高压": 100, "中压": 70, "低压": 35})
        + 0.20 * categories(pipes["material"].str.strip(), {"铸铁": 100, "钢": 60, "PE": 20})
        + 0.25 * linear(sum_within(pipes, residential, "population", 200.0), 0, 12000)
        + 0.10 * linear(area_within(pipes, sites, 100.0), 0, 20000)
    )
    score = np.minimum(s * categories(pipes["maintenance_grade"].str.strip(), {"A": 0.85, "B": 1.0, "C": 1.15, "D": 1.3}), 100.0)
    level = levels(score, 80, 60, 40)
    level = np.where(pipes["leak_unrepaired"].to_numpy() > 0, 1, level)
    return pd.DataFrame({"domain": "D02", "id": pipes["id"], "score": score, "level": level})


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
    s = (
        0.50 * steps(depth, [(0, 0), (0.05, 20), (0.15, 45), (0.3, 70), (0.5, 90), (0.8, 100)])
        + 0.20 * linear(pop, 0, 5000)
        + 0.15 * categories(residential["has_basement"].str.strip(), {"是": 100, "否": 0})
        + 0.15 * linear(nearest(residential, pumps), 0, 2500)
    )
    factor = categories(residential["drainage_rp"].astype(str), {"1": 1.2, "3": 1.0, "5": 0.85})
    score = np.minimum(s * factor, 100.0)
    level = levels(score, 65, 45, 25)
    level = np.where(depth >= 0.8, 1, level)
    return pd.DataFrame({"domain": "D16", "id": residential["id"], "score": score, "level": level})


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
    _, data, out = sys.argv
    start = time.perf_counter()
    residential = read(f"{data}/residential.geojson")
    sensitive = read(f"{data}/sensitive_sites.shp")
    shared = time.perf_counter() - start
    result = pd.concat([d01(data, residential, sensitive), d02(data, residential), d16(data, residential)])
    result.to_csv(out, index=False)
    # Phases for RESULTS.md: reading the two shared layers, then everything else
    # (each domain reads its own objects and context layers, then scores).
    with open(out + ".timings.json", "w") as f:
        json.dump({"read_shared_s": shared, "total_s": time.perf_counter() - start}, f)


if __name__ == "__main__":
    main()
