#!/usr/bin/env bash
# City-scale benchmark: on the same generated district, in one run, measure
# wall time and peak memory (RSS) of
#   1. the lower bound: GDAL alone (ogr2ogr/gdal_translate) reading every
#      input and writing outputs of the size sise writes;
#   2. sise scoring all 17 domains with 1 and 2 threads, and D01/D02/D16 alone;
#   3. the GeoPandas/Shapely 2 reference (bench/reference.py) scoring D01, D02
#      and D16, whose levels must equal sise's on every object;
#   4. the web map in headless Chromium (bench/webpaint.py): first paint, the
#      largest domain switched on, zoomed in (its tiles) and panned;
#   5. `sise sensitivity` (200 draws) on the same district, against one whole run;
#   6. sise over real, complex boundaries: the same layers with the 16
#      districts of Shanghai ($ADMIN_FILE) as the 街镇 layer;
#   7. `sise publish` of the 2-thread run's year into PostGIS (a private
#      server, scripts/postgres.sh) against `ogr2ogr -f PostgreSQL` (COPY
#      mode, GiST indexes) loading the same GeoPackage into the same server;
# and write bench/RESULTS.md.
#
#   bash bench/run.sh                 # scales 0.01 0.1 1 (about 25 min on 2 cores)
#   SCALES="0.01 0.1" bash bench/run.sh
#
# Needs the system packages of scripts/setup.sh; installs the Python
# reference's packages from PyPI into a venv ($BENCH_VENV).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
SCALES=${SCALES:-"0.01 0.1 1"}
WORK=${BENCH_WORK:-/var/tmp/sise-bench}
BENCH_VENV=${BENCH_VENV:-/var/tmp/sise-bench-venv}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-/var/tmp/sise-target}
SISE=$CARGO_TARGET_DIR/release/sise
ADMIN_FILE=${ADMIN_FILE:-$ROOT/../shared/data/shanghai_districts.geojson}
RESULTS=$ROOT/bench/RESULTS.md

log() { echo "bench: $*" >&2; }

cargo build --release --quiet
if [ ! -x "$BENCH_VENV/bin/python" ] || ! "$BENCH_VENV/bin/python" -c 'import geopandas, rasterio' 2>/dev/null; then
    log "installing the reference's Python packages into $BENCH_VENV"
    python3 -m venv "$BENCH_VENV"
    "$BENCH_VENV/bin/pip" install --quiet -r bench/requirements.txt
fi
mkdir -p "$WORK"
# A private PostgreSQL + PostGIS for the publish timing, stopped at the end.
export SISE_PG_DIR=$WORK/pg
trap 'bash scripts/postgres.sh stop' EXIT
export $(bash scripts/postgres.sh start)
TSV=$WORK/results.tsv
: > "$TSV"

# Run a command under GNU time; append "scale<TAB>what<TAB>seconds<TAB>peak KB" to the TSV.
measure() {
    local scale=$1 what=$2; shift 2
    log "$scale: $what"
    /usr/bin/time -f "%e %M" -o "$WORK/time.txt" "$@" > "$WORK/last.log" 2>&1 || { cat "$WORK/last.log" >&2; exit 1; }
    read -r secs kb < "$WORK/time.txt"
    printf '%s\t%s\t%s\t%s\n' "$scale" "$what" "$secs" "$kb" >> "$TSV"
}

# The lower bound: what any tool must do with this data through GDAL.
lower_bound() {
    local data=$1 sise_gpkg=$2 out=$3
    rm -rf "$out" && mkdir -p "$out"
    # Read every input, reprojected to the working CRS (sise does the same).
    for f in "$data"/*.geojson "$data"/*.shp "$data"/*.gpkg; do
        ogr2ogr -q -t_srs EPSG:4549 -append -f GPKG "$out/inputs.gpkg" "$f" -nln "$(basename "${f%.*}")"
    done
    for f in "$data"/*.csv; do
        ogr2ogr -q -s_srs EPSG:4326 -t_srs EPSG:4549 -append -f GPKG "$out/inputs.gpkg" "$f" -nln "$(basename "${f%.*}")" \
            -oo X_POSSIBLE_NAMES=lon,x -oo Y_POSSIBLE_NAMES=lat,y
    done
    gdal_translate -q "$data/inundation_50y.tif" "$out/inundation.tif"
    # Write outputs of sise's size: every layer of its GeoPackage, feature for feature.
    for layer in $(ogrinfo -q -ro "$sise_gpkg" | sed -n 's/^[0-9]*: \([A-Za-z0-9_]*\) (.*/\1/p'); do
        [ "$layer" = layer_styles ] && continue
        ogr2ogr -q -append -f GPKG "$out/outputs.gpkg" "$sise_gpkg" "$layer"
    done
}
export -f lower_bound

: > "$WORK/sizes.tsv"
for scale in $SCALES; do
    data=$WORK/data-$scale
    if [ ! -f "$data/assessment.toml" ]; then
        log "$scale: generating the district"
        "$SISE" bench-data --scale "$scale" --out "$data" --models assessment-models
    fi
    # The same district scored with D01, D02 and D16 only, for the side-by-side with GeoPandas.
    sed "s|^domains = .*|domains = [\"$ROOT/assessment-models/D01_hazardous_chemicals.toml\", \"$ROOT/assessment-models/D02_urban_gas.toml\", \"$ROOT/assessment-models/D16_flood_typhoon.toml\"]|" \
        "$data/assessment.toml" > "$data/three-domains.toml"
    measure "$scale" "sise, 17 domains, 1 thread" "$SISE" run -q -j 1 "$data/assessment.toml" --out "$WORK/sise1-$scale"
    SISE_LOG=sise=debug measure "$scale" "sise, 17 domains, 2 threads" "$SISE" run -q -j 2 "$data/assessment.toml" --out "$WORK/sise2-$scale"
    cp "$WORK/last.log" "$WORK/sise2-$scale.log"
    # With its per-part emit timings (-v log), for the like-for-like comparison.
    SISE_LOG=sise=debug measure "$scale" "sise, D01+D02+D16, 2 threads" "$SISE" run -q -j 2 "$data/three-domains.toml" --out "$WORK/sise3-$scale"
    cp "$WORK/last.log" "$WORK/sise3-$scale.log"
    # The sensitivity analysis (200 draws plus one-at-a-time) on top of the same whole run.
    measure "$scale" "sise sensitivity, 200 draws, 2 threads" "$SISE" sensitivity -q -j 2 --draws 200 "$data/assessment.toml" --out "$WORK/sise5-$scale"
    if [ -f "$ADMIN_FILE" ]; then
        [ -f "$data-admin/assessment.toml" ] ||
            "$SISE" bench-data --scale "$scale" --out "$data-admin" --models assessment-models --streets "$ADMIN_FILE" --streets-code-field adcode
        measure "$scale" "sise, 17 domains, 16 real districts, 2 threads" "$SISE" run -q -j 2 "$data-admin/assessment.toml" --out "$WORK/sise4-$scale"
    fi
    out1=$WORK/sise1-$scale/2024-2026/2024
    out2=$WORK/sise2-$scale/2024-2026/2024
    # 1 and 2 threads must give the same tables.
    for f in "$out1"/tables/*.csv "$out1"/summary.csv; do
        cmp -s "$f" "$out2/${f#"$out1"/}" || { log "1 vs 2 threads differ: $f"; exit 1; }
    done
    # The web map as a user meets it (headless Chromium, network off).
    log "$scale: timing the web map"
    python3 bench/webpaint.py "$out2/web/index.html" > "$WORK/web-$scale.json"
    measure "$scale" "GDAL lower bound" bash -c 'lower_bound "$@"' _ "$data" "$out2/sise.gpkg" "$WORK/gdal-$scale"
    # Into PostGIS: sise publish (its year: every layer, the tables, the views) against ogr2ogr loading the GeoPackage.
    psql -XAtq -c "DROP SCHEMA IF EXISTS bench_sise CASCADE; DROP SCHEMA IF EXISTS bench_ogr CASCADE; CREATE SCHEMA bench_ogr"
    measure "$scale" "sise publish to PostGIS" "$SISE" publish "$out2" --to PG: --schema bench_sise
    measure "$scale" "ogr2ogr -f PostgreSQL (COPY), same GeoPackage" env PG_USE_COPY=YES \
        ogr2ogr -f PostgreSQL PG: "$out2/sise.gpkg" -lco SCHEMA=bench_ogr -lco SPATIAL_INDEX=GIST -overwrite
    measure "$scale" "GeoPandas reference, D01+D02+D16" "$BENCH_VENV/bin/python" bench/reference.py "$data" "$WORK/reference-$scale.csv" "$WORK/reference-$scale.gpkg"
    log "$scale: checking the reference's levels against sise's"
    "$BENCH_VENV/bin/python" bench/reference.py check "$WORK/reference-$scale.csv" "$WORK/sise3-$scale/2024-2026/2024/sise.gpkg" | tee "$WORK/agreement-$scale.txt"
    # Sizes for the table.
    python3 - "$data" "$out2/manifest.json" >> "$WORK/sizes.tsv" <<'EOF'
import json, subprocess, sys, os
data, manifest = sys.argv[1:]
m = json.load(open(manifest))
size = sum(os.path.getsize(os.path.join(data, f)) for f in os.listdir(data))
print(json.dumps({"data": data, "bytes": size, "counts": m.get("counts", {})}))
EOF
done

python3 bench/results.py "$TSV" "$WORK" "$SCALES" > "$RESULTS"
log "wrote $RESULTS"
