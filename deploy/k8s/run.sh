#!/usr/bin/env bash
# Run a tiled assessment on Kubernetes, once the config, layers and model
# files are on the sise-shared volume under /shared/config/ and plan.json
# (made with `sise plan`, in the same layout) at /shared/plan.json:
#
#   deploy/k8s/run.sh PLAN [PARALLELISM]
#
# PLAN is the local copy of plan.json, to count the units. Applies the
# volume claim, the Indexed Job with completions = units, waits for it, then
# runs the merge Job and waits for that. KUBECTL_ARGS adds options
# (e.g. "--namespace risk").
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
plan="$1"; parallel="${2:-4}"
read -r -a k <<< "${KUBECTL_ARGS:-}"
units=$(grep -c '"index"' "$plan")
kubectl "${k[@]}" apply -f "$here/shared-pvc.yaml"
kubectl "${k[@]}" delete job sise-units sise-merge --ignore-not-found
sed -e "s/^  completions: .*/  completions: $units/" -e "s/^  parallelism: .*/  parallelism: $parallel/" "$here/units-job.yaml" \
  | kubectl "${k[@]}" apply -f -
kubectl "${k[@]}" wait --for=condition=complete --timeout=24h job/sise-units
kubectl "${k[@]}" apply -f "$here/merge-job.yaml"
kubectl "${k[@]}" wait --for=condition=complete --timeout=6h job/sise-merge
echo "merged outputs in /shared/out on the sise-shared volume"
