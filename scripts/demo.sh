#!/usr/bin/env bash
# First command of the README: install what is missing, build sise, and run
# the demo assessment of 普陀区 on the bundled layers/demo.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
cargo build --quiet
./target/debug/sise run layers/demo/assessment.toml --out out --quiet
out=out/2024-2026/2024      # OUT/<cycle>/<year>/
echo
echo "Demo assessment of 普陀区 written to $(pwd)/$out:"
ls -1 "$out" | sed 's/^/  /'
echo "Layers in sise.gpkg (open it in QGIS):"
ogrinfo -ro -q "$out/sise.gpkg" | sed 's/^/  /'
