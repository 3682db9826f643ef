#!/usr/bin/env bash
# Fingerprint every output of a fixed set of runs, for refactors that must not
# change a byte: the demo's 2024 and 2025 with their comparison, a sensitivity
# run, every dirty-input case (exit code and outputs) and the demo in 2×2 tiles.
#
#   bash scripts/same-outputs.sh SISE_BINARY WORK_DIR   # writes WORK_DIR/hashes.txt
#   diff before/hashes.txt after/hashes.txt             # empty when nothing changed
#
# manifest.json is hashed without its timings (they differ run to run); every
# other file is hashed as written. Runs use one SOURCE_DATE_EPOCH and one thread
# count, as reruns that must be identical do.
set -euo pipefail
sise=$(realpath "$1")
work=$(realpath -m "$2")
repo=$(cd "$(dirname "$0")/.." && pwd)
rm -rf "$work" && mkdir -p "$work"
export SOURCE_DATE_EPOCH=1700000000 SISE_LOG=error
cd "$repo"

run() { "$sise" -q "$@" >/dev/null 2>&1; }

run run layers/demo/assessment.toml --out "$work/demo"
run run layers/demo-2025/assessment.toml --out "$work/demo"
run compare "$work/demo/2024-2026/2024" "$work/demo/2024-2026/2025"
run sensitivity layers/demo/assessment.toml --out "$work/sensitivity" --draws 50 --seed 7 || echo "sensitivity: exit $?" >>"$work/codes.txt"

for case in tests/dirty-input/cases/*/; do
    name=$(basename "$case")
    code=0
    "$sise" -q run "$case/assessment.toml" --out "$work/dirty/$name" --keep-going --no-web >/dev/null 2>&1 || code=$?
    echo "$name $code" >>"$work/codes.txt"
done

plan="$work/plan.json"
run plan layers/demo/assessment.toml --tiles 2x2 --out "$plan"
units=$(python3 -c "import json,sys; print(len(json.load(open(sys.argv[1]))['units']))" "$plan")
for ((k = 0; k < units; k++)); do
    run run layers/demo/assessment.toml --plan "$plan" --unit "$k" --out "$work/units" -j 1
done
run merge "$plan" "$work/units" --out "$work/merged"
rm -rf "$work/units"   # unit folders hold their own timings; the merge is what counts

cd "$work"
find . -type f ! -name hashes.txt ! -name '*.lock' -print0 | sort -z | while IFS= read -r -d '' f; do
    case "$f" in
    */manifest.json | */unit.json)
        python3 - "$f" <<'EOF'
import hashlib, json, sys
def strip(v):
    if isinstance(v, dict):
        return {k: strip(x) for k, x in v.items() if not any(t in k for t in ("time", "timing", "seconds", "memory", "elapsed", "started", "finished"))}
    if isinstance(v, list):
        return [strip(x) for x in v]
    return v
data = strip(json.load(open(sys.argv[1])))
print(hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest(), sys.argv[1], "(timings left out)")
EOF
        ;;
    *) sha256sum "$f" ;;
    esac
done >hashes.txt
echo "$(wc -l <hashes.txt) files fingerprinted in $work/hashes.txt"
