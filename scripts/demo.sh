#!/usr/bin/env bash
# First command of the README: install what is missing, build sise, and run
# the demo assessment of 普陀区 on the bundled layers/demo.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh run     # only what the run needs; the tests add theirs
cargo build --quiet
sise="${CARGO_TARGET_DIR:-target}/debug/sise"   # wherever cargo put it
"$sise" run layers/demo/assessment.toml --out out --quiet        # 2024 baseline
"$sise" run layers/demo-2025/assessment.toml --out out --quiet   # 2025 dynamic update
"$sise" compare out/2024-2026/2024 out/2024-2026/2025 --quiet >/dev/null
out=out/2024-2026/2024      # OUT/<cycle>/<year>/
echo
echo "Demo assessment of 普陀区 written to $(pwd)/$out:"
ls -1 "$out" | sed 's/^/  /'
echo "Layers in sise.gpkg (open $out/sise.qgs in QGIS):"
ogrinfo -ro -q "$out/sise.gpkg" | sed 's/^/  /'
echo "The 2025 dynamic update is in $(pwd)/out/2024-2026/2025, and what changed in $(pwd)/out/2024-2026/compare-2024-2025."
