"""Format bench/run.sh's measurements as bench/RESULTS.md (stdout).

    python3 results.py RESULTS.tsv WORK_DIR "SCALES"
"""

import json
import math
import os
import platform
import subprocess
import sys
from datetime import date

tsv, work, scales = sys.argv[1], sys.argv[2], sys.argv[3].split()
rows = {}
for line in open(tsv, encoding="utf-8"):
    scale, what, secs, kb = line.rstrip("\n").split("\t")
    rows[(scale, what)] = (float(secs), int(kb) / 1024.0)
sizes = {}
for line in open(os.path.join(work, "sizes.tsv"), encoding="utf-8"):
    s = json.loads(line)
    sizes[s["data"].rsplit("-", 1)[1]] = s

GDAL = "GDAL lower bound"
ONE, TWO, THREE = "sise, 17 domains, 1 thread", "sise, 17 domains, 2 threads", "sise, D01+D02+D16, 2 threads"
REF = "GeoPandas reference, D01+D02+D16"
REAL = "sise, 17 domains, 16 real districts, 2 threads"
SENS = "sise sensitivity, 200 draws, 2 threads"


def manifest_timings(run, s):
    path = os.path.join(work, f"{run}-{s}", "2024-2026", "2024", "manifest.json")
    return json.load(open(path, encoding="utf-8"))["timings_ms"] if os.path.exists(path) else None


def emit_parts(run, s):
    """The emit phase's parts (seconds), from a run's -v log: `DEBUG <part> written ms=N`."""
    path = os.path.join(work, f"{run}-{s}.log")
    parts = {}
    if os.path.exists(path):
        for line in open(path, encoding="utf-8"):
            if " written ms=" in line:
                part, ms = line.split(" written ms=", 1)
                part = part.split("DEBUG", 1)[-1].strip()
                parts[part] = parts.get(part, 0) + int(ms.split()[0]) / 1e3
    return parts


def gpkg_seconds(s):
    """The GeoPackage's share of the emit phase, from the -v log of the three-domain run."""
    return emit_parts("sise3", s).get("GeoPackage", math.nan)


def cpu():
    for line in open("/proc/cpuinfo", encoding="utf-8"):
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor()


def commit():
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


out = []
p = out.append
p("# City-scale benchmark")
p("")
p(f"Measured by `bash bench/run.sh` on {date.today().isoformat()}, sise commit {commit()}, on "
  f"{os.cpu_count()} cores ({cpu()}), {round(os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30)} GiB RAM. "
  "Wall time and peak resident memory (GNU time) of each step, on the same generated district "
  "(`sise bench-data --scale S`, seed 2024). Do not edit by hand: rerun the script.")
p("")
p("| scale | features | inputs (MB) | step | wall (s) | peak RSS (MB) |")
p("|---|---:|---:|---|---:|---:|")
for s in scales:
    size = sizes.get(s, {})
    counts = size.get("counts", {})
    n = sum(counts.get("objects", {}).values())
    for what in (GDAL, ONE, TWO, THREE, SENS, REF, REAL):
        if (s, what) in rows:
            secs, mb = rows[(s, what)]
            p(f"| {s} | {n:,} | {size.get('bytes', 0) / 1e6:.0f} | {what} | {secs:.1f} | {mb:.0f} |")
p("")
p("Features: objects scored over all 17 domains (the same input feature can be scored by more than one domain).")
p("")
p("## Where the time goes")
p("")
p("sise's phases from each run's manifest.json (emit: GeoPackage, styles, project, tables, maps, web map, reports, hashes; "
  "its parts are logged with -v); the reference's from its own clock (load: the shared layers; score: its own layers read "
  "and scored; emit: its scored layers written to a GeoPackage).")
p("")
p("| scale | run | load (s) | score (s) | aggregate (s) | emit (s) | aggregate share | emit / load |")
p("|---|---|---:|---:|---:|---:|---:|---:|")
for s in scales:
    for run, what in (("sise1", ONE), ("sise2", TWO), ("sise3", THREE), ("sise4", REAL)):
        t = manifest_timings(run, s)
        if t:
            t = {k: v for k, v in t.items() if k != "sensitivity"}
            total = sum(t.values())
            p(f"| {s} | {what} | {t['load'] / 1e3:.1f} | {t['score'] / 1e3:.1f} | {t['aggregate'] / 1e3:.1f} | {t['emit'] / 1e3:.1f} "
              f"| {100 * t['aggregate'] / total:.0f} % | {t['emit'] / t['load']:.1f} |")
    path = os.path.join(work, f"reference-{s}.csv.timings.json")
    if os.path.exists(path):
        t = json.load(open(path, encoding="utf-8"))
        score = t.get("score_s", t["total_s"] - t["read_shared_s"])
        p(f"| {s} | {REF} | {t['read_shared_s']:.1f} | {score:.1f} | – | {t['total_s'] - t['read_shared_s'] - score:.1f} | – | – |")
p("")
parts = {s: emit_parts("sise2", s) for s in scales}
if any(parts.values()):
    names = ["GeoPackage", "tables built", "workbook", "tables", "web map", "maps", "reports", "manifest"]
    p("Inside emit (sise, 17 domains, 2 threads; -v log): each part's own wall time. The GeoPackage, the tables "
      "(built, then CSV/Parquet beside the workbook), the web map and the maps run as parallel jobs, so the parts add up to more than emit.")
    p("")
    p("| scale | " + " | ".join(names) + " |")
    p("|---|" + "---:|" * len(names))
    for s, d in parts.items():
        if d:
            p(f"| {s} | " + " | ".join(f"{d.get(n, math.nan):.1f}" for n in names) + " |")
    p("")
PUB = "sise publish to PostGIS"
OGR = "ogr2ogr -f PostgreSQL (COPY), same GeoPackage"
p("## Publishing to PostGIS")
p("")
p("`sise publish` of the 2-thread run's year (every layer of its GeoPackage, the hand-over tables, summary, the views, "
  "one transaction) against `ogr2ogr -f PostgreSQL` with `PG_USE_COPY=YES` and GiST indexes loading the same GeoPackage's "
  "layers into the same private server. Target: sise ≤ 1.0 × ogr2ogr.")
p("")
p("| scale | sise publish (s) | ogr2ogr (s) | sise / ogr2ogr | sise peak RSS (MB) |")
p("|---|---:|---:|---:|---:|")
for s in scales:
    if (s, PUB) in rows and (s, OGR) in rows:
        (a, mb), (b, _) = rows[(s, PUB)], rows[(s, OGR)]
        p(f"| {s} | {a:.1f} | {b:.1f} | {a / b:.2f} | {mb:.0f} |")
p("")
p("## Sensitivity")
p("")
p("`sise sensitivity` with 200 Monte Carlo draws and the one-at-a-time reruns, against one whole run (17 domains, 2 threads) "
  "of the same district. Target: the 200 draws at most 3 × one whole run. The sensitivity phase is the manifest's "
  "`sensitivity` timing (the draws and the tornado reruns of every domain, from the phase-one values); the run's wall "
  "time also holds its extra outputs (stability columns, tables, tornado charts).")
p("")
p("| scale | whole run (s) | sensitivity phase (s) | phase / whole run | sensitivity run, wall (s) | its peak RSS (MB) | whole run's peak RSS (MB) |")
p("|---|---:|---:|---:|---:|---:|---:|")
for s in scales:
    t = manifest_timings("sise5", s)
    if t and (s, SENS) in rows and (s, TWO) in rows:
        whole, whole_mb = rows[(s, TWO)]
        wall, mb = rows[(s, SENS)]
        phase = t.get("sensitivity", 0) / 1e3
        p(f"| {s} | {whole:.1f} | {phase:.1f} | {phase / whole:.2f} | {wall:.1f} | {mb:.0f} | {whole_mb:.0f} |")
p("")
p("## Like for like: read, score, write the scored layers")
p("")
p("The reference writes its scored objects with sise's columns to a GeoPackage. sise's like-for-like time is its load, "
  "score and aggregate phases plus the writing of its GeoPackage (from the -v log; that GeoPackage also holds the grid, "
  "街镇 and comprehensive layers); its full deliverable adds the tables, maps, web map, reports and manifest.")
p("")
p("| scale | GeoPandas, read + score + GeoPackage (s) | sise, same (s) | GeoPandas / sise | sise, full deliverable (s) | GeoPandas / sise full |")
p("|---|---:|---:|---:|---:|---:|")
for s in scales:
    t = manifest_timings("sise3", s)
    path = os.path.join(work, f"reference-{s}.csv.timings.json")
    if t and os.path.exists(path):
        ref = json.load(open(path, encoding="utf-8"))["total_s"]
        like = (t["load"] + t["score"] + t["aggregate"]) / 1e3 + gpkg_seconds(s)
        full = rows.get((s, THREE), (math.nan, 0))[0]
        p(f"| {s} | {ref:.1f} | {like:.1f} | {ref / like:.2f} | {full:.1f} | {ref / full:.2f} |")
p("")
p("## Ratios")
p("")
p("| scale | sise (2 threads) / GDAL lower bound | sise 1 thread / 2 threads | GeoPandas / sise (same 3 domains) |")
p("|---|---:|---:|---:|")
for s in scales:
    get = lambda w: rows.get((s, w), (math.nan, math.nan))[0]
    p(f"| {s} | {get(TWO) / get(GDAL):.2f} | {get(ONE) / get(TWO):.2f} | {get(REF) / get(THREE):.1f} |")
p("")
if len(scales) >= 2:
    p("## Growth")
    p("")
    p("| from → to | objects × | sise time × | n·log n would be × |")
    p("|---|---:|---:|---:|")
    for a, b in zip(scales, scales[1:]):
        na = sum(sizes[a]["counts"]["objects"].values())
        nb = sum(sizes[b]["counts"]["objects"].values())
        ta, tb = rows[(a, TWO)][0], rows[(b, TWO)][0]
        p(f"| {a} → {b} | {nb / na:.1f} | {tb / ta:.1f} | {nb * math.log(nb) / (na * math.log(na)):.1f} |")
    p("")
web = {s: json.load(open(os.path.join(work, f"web-{s}.json"))) for s in scales if os.path.exists(os.path.join(work, f"web-{s}.json"))}
if web:
    p("## Web map (headless Chromium, network off; bench/webpaint.py)")
    p("")
    p("Milliseconds: first paint of the overview; the largest domain switched on (zoomed out: its grid levels, or all its objects when untiled); one 400 px pan; zoom 16 on its worst object (the tiles in view load and draw); one pan there.")
    p("")
    p("| scale | first paint | largest domain (objects) | switched on | pan | zoom in (tiles) | pan zoomed in |")
    p("|---|---:|---|---:|---:|---:|---:|")
    for s, w in web.items():
        p(f"| {s} | {w['first_paint_ms']} | {w['domain']} ({w['objects']:,}) | {w['layer_on_ms']} | {w['pan_zoomed_out_ms']} | {w['zoom_in_ms']} ({w['tiles_loaded']}) | {w['pan_zoomed_in_ms']} |")
    p("")
p("## Agreement of the GeoPandas reference with sise")
p("")
for s in scales:
    path = os.path.join(work, f"agreement-{s}.txt")
    if os.path.exists(path):
        p(f"Scale {s}:")
        p("")
        p("```")
        p(open(path, encoding="utf-8").read().rstrip())
        p("```")
        p("")
print("\n".join(out))
