#!/usr/bin/env bash
# Check the Kubernetes adapter without a cluster (one command):
#  1. the manifests against the real Kubernetes 1.31 schemas (kubernetes-validate, strict);
#  2. `kubectl apply --dry-run=client` of every manifest, against a local
#     stand-in for the API server's discovery (api_stub.py);
#  3. the units Job's container command, run as its entry point runs it
#     (the sise binary) with JOB_COMPLETION_INDEX set: the pod's unit is written.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"; repo="$(cd "$here/../.." && pwd)"
venv="${SISE_K8S_VENV:-/var/tmp/sise-k8s-venv}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/tmp/sise-target}"
command -v kubectl >/dev/null || { echo "check.sh needs kubectl" >&2; exit 1; }
tmp="$(mktemp -d)"; trap 'kill $stub 2>/dev/null || true; rm -rf "$tmp"' EXIT

[ -x "$venv/bin/kubernetes-validate" ] || { python3 -m venv "$venv" && "$venv/bin/pip" install -q kubernetes-validate==1.31.0; }
"$venv/bin/kubernetes-validate" --kubernetes-version 1.31.0 --strict "$here"/*.yaml

port=18080
python3 "$here/api_stub.py" "$port" & stub=$!
cat > "$tmp/kubeconfig" <<CONF
apiVersion: v1
kind: Config
clusters: [{name: stub, cluster: {server: "http://127.0.0.1:$port"}}]
contexts: [{name: stub, context: {cluster: stub, namespace: default}}]
current-context: stub
users: []
CONF
for _ in $(seq 50); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done
export KUBECONFIG="$tmp/kubeconfig"
for f in "$here"/*.yaml; do
  kubectl apply --dry-run=client --validate=false --cache-dir "$tmp/cache" -f "$f"
done

# The units Job's args with /shared on a temporary folder holding the demo.
(cd "$repo" && cargo build -q --bin sise)
sise="$CARGO_TARGET_DIR/debug/sise"
mkdir -p "$tmp/shared"
cp -r "$repo/layers/demo" "$tmp/shared/config"
sed -i "s|^domains = .*|domains = [\"$repo/assessment-models\"]|" "$tmp/shared/config/assessment.toml"
"$sise" --quiet plan "$tmp/shared/config/assessment.toml" --tiles 2x2 --out "$tmp/shared/plan.json" >/dev/null
mapfile -t args < <("$venv/bin/python" - "$here/units-job.yaml" <<'PY'
import sys, yaml
job = yaml.safe_load(open(sys.argv[1]))
print("\n".join(job["spec"]["template"]["spec"]["containers"][0]["args"]))
PY
)
args=("${args[@]//\/shared/$tmp/shared}")
JOB_COMPLETION_INDEX=3 "$sise" "${args[@]}"
[ -s "$tmp/shared/units/3/unit.json" ] && [ ! -e "$tmp/shared/units/0" ] \
  || { echo "the unit pod with JOB_COMPLETION_INDEX=3 did not write units/3" >&2; exit 1; }
echo "k8s: manifests valid (Kubernetes 1.31 schemas), kubectl dry-run ok, JOB_COMPLETION_INDEX=3 wrote units/3"
