#!/usr/bin/env bash
# Measure a tiled run of a `sise bench-data` district on this machine: the
# whole run, then `sise prepare-inputs` (the inputs once into indexed
# GeoPackages, so units read only their rectangle), plan, every unit
# (PARALLEL at a time, as a cluster's nodes would run them) and the merge,
# each under GNU time (wall, peak RSS); then check that the merged tables
# equal the whole run's.
#
#   bench/tiled.sh SCALE TILES [PARALLEL]      e.g. bench/tiled.sh 1 5km 2
#
# SISE_BIN: the binary (default: the release build in CARGO_TARGET_DIR).
# Work folder: BENCH_WORK (default /var/tmp/sise-bench), reusing its data-SCALE.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
scale="$1"; tiles="$2"; par="${3:-2}"
work="${BENCH_WORK:-/var/tmp/sise-bench}"
sise="${SISE_BIN:-${CARGO_TARGET_DIR:-/var/tmp/sise-target}/release/sise}"
data="$work/data-$scale"
[ -f "$data/assessment.toml" ] || "$sise" --quiet bench-data --scale "$scale" --out "$data" --models "$repo/assessment-models"
t="$work/tiled-$scale-$tiles"
rm -rf "$t"; mkdir -p "$t"
timed() { local out="$1"; shift; /usr/bin/time -f "%e %M" -o "$out" "$@"; }

timed "$t/whole.time" "$sise" --quiet run "$data/assessment.toml" --out "$t/whole" --threads "$par"
timed "$t/prepare.time" "$sise" --quiet prepare-inputs "$data/assessment.toml" --out "$t/prepared" >/dev/null
config="$t/prepared/assessment.toml"
"$sise" --quiet plan "$config" --tiles "$tiles" --out "$t/plan.json" >/dev/null
units=$(grep -c '"index"' "$t/plan.json")
start=$(date +%s.%N)
seq 0 $((units - 1)) | xargs -P "$par" -I{} /usr/bin/time -f "%e %M" -o "$t/unit-{}.time" \
  "$sise" --quiet run "$config" --plan "$t/plan.json" --unit {} --out "$t/units" --threads 1
end=$(date +%s.%N)
timed "$t/merge.time" "$sise" --quiet merge "$t/plan.json" "$t/units" --out "$t/merged" --threads "$par"

year=$(cd "$t/whole" && ls -d */*/ | head -1)
for f in summary.csv tables/domain_levels.csv tables/street_comprehensive.csv tables/street_domain_levels.csv tables/major_risks.csv tables/coverage.csv; do
  cmp -s "$t/whole/$year/$f" "$t/merged/$year/$f" || { echo "tiled: $f differs from the whole run" >&2; exit 1; }
done

python3 - "$t" "$units" "$start" "$end" "$scale" "$tiles" "$par" <<'PY'
import json, pathlib, statistics, sys
t, units, start, end, scale, tiles, par = pathlib.Path(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]), *sys.argv[5:]
read = lambda p: tuple(map(float, p.read_text().split()[-2:]))
whole, merge, prepare = read(t / "whole.time"), read(t / "merge.time"), read(t / "prepare.time")
u = [read(t / f"unit-{k}.time") for k in range(units)]
objects = [sum(json.loads((t / "units" / str(k) / "unit.json").read_text())["objects"].values()) for k in range(units)]
walls, mems = [w for w, _ in u], [m / 1024 for _, m in u]
print(f"| {scale} | {tiles} | {units} | {sum(objects):,} | {whole[0]:.1f} s / {whole[1]/1024:,.0f} MB | {prepare[0]:.1f} s | "
      f"{min(walls):.1f} / {statistics.median(walls):.1f} / {max(walls):.1f} s | {max(mems):,.0f} MB | "
      f"{sum(walls):.1f} s ({sum(walls) / whole[0]:.2f} × whole) | {end - start:.1f} s ({par} at a time) | {merge[0]:.1f} s / {merge[1]/1024:,.0f} MB |")
PY
