#!/usr/bin/env bash
# Plan a tiled run and submit it to Slurm: a job array of the units (at
# most PARALLEL at once) and a merge job that starts when all succeeded.
#
#   deploy/slurm/submit.sh CONFIG SHARED [TILES] [PARALLEL]
#
# CONFIG: the run config (assessment.toml), on a file system every node sees.
# SHARED: a folder every node sees; gets plan.json, units/ and out/.
# TILES: as for `sise plan --tiles` (default 5km). PARALLEL: default 8.
# Prints "ARRAY_JOB MERGE_JOB". SISE_BIN picks the binary (default: sise on
# PATH); SISE_SBATCH_ARGS adds sbatch options to both jobs (e.g.
# "--partition=long --cpus-per-task=4 --mem=16G").
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
config="$(realpath "$1")"; shared="$(realpath -m "$2")"; tiles="${3:-5km}"; parallel="${4:-8}"
sise="${SISE_BIN:-sise}"
mkdir -p "$shared"
"$sise" --quiet plan "$config" --tiles "$tiles" --out "$shared/plan.json" >&2
units=$(grep -c '"index"' "$shared/plan.json")
export SISE_CONFIG="$config" SISE_PLAN="$shared/plan.json" SISE_SHARED="$shared" SISE_BIN="$sise"
read -r -a extra <<< "${SISE_SBATCH_ARGS:-}"
array=$(sbatch "${extra[@]}" --parsable --chdir="$shared" --array="0-$((units - 1))%$parallel" --export=ALL "$here/units.sbatch")
array="${array%%;*}"
merge=$(sbatch "${extra[@]}" --parsable --chdir="$shared" --dependency="afterok:$array" --kill-on-invalid-dep=yes --export=ALL "$here/merge.sbatch")
echo "submitted $units units as job array $array and the merge as job ${merge%%;*}" >&2
echo "$array ${merge%%;*}"
