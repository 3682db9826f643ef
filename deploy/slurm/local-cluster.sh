#!/usr/bin/env bash
# Run the Slurm path for real on this one machine (Debian 12, as root):
# install slurm-wlm and munge, start a one-node cluster, plan the demo
# district in tiles, submit the unit array and the dependent merge with
# submit.sh, wait, and check that the merged outputs equal a whole run.
#
#   sudo deploy/slurm/local-cluster.sh [TILES]      (default 3x3)
#
# Leaves the cluster running (stop it: pkill slurmd; pkill slurmctld).
# Work folder: $SISE_SLURM_WORK (default /var/tmp/sise-slurm).
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
tiles="${1:-3x3}"
work="${SISE_SLURM_WORK:-/var/tmp/sise-slurm}"
[ "$(id -u)" -eq 0 ] || { echo "local-cluster.sh starts Slurm daemons: run it as root (sudo)" >&2; exit 1; }
start=$(date +%s)

missing=()
for p in slurm-wlm munge; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# sise itself: the CI build profile, in the shared build cache when there is one.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/tmp/sise-target}"
(cd "$repo" && bash scripts/setup.sh && cargo build -q --bin sise)
sise="$CARGO_TARGET_DIR/debug/sise"

# munge: one key, one daemon.
if ! pgrep -x munged >/dev/null; then
  [ -s /etc/munge/munge.key ] || { dd if=/dev/urandom bs=1 count=1024 of=/etc/munge/munge.key status=none; }
  chown munge:munge /etc/munge/munge.key; chmod 400 /etc/munge/munge.key
  mkdir -p /run/munge && chown munge:munge /run/munge
  runuser -u munge -- munged --force
fi

# One node holding every core; no cgroups (containers rarely have them), so
# processes are tracked through /proc.
host="$(hostname -s)"
cpus="$(nproc)"
mem="$(awk '/MemTotal/ {print int($2 / 1024 * 0.8)}' /proc/meminfo)"
mkdir -p /etc/slurm /var/spool/slurmctld /var/spool/slurmd /var/log/slurm
cat > /etc/slurm/slurm.conf <<CONF
ClusterName=sise-local
SlurmctldHost=$host
SlurmUser=root
AuthType=auth/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
ReturnToService=2
MinJobAge=3600
StateSaveLocation=/var/spool/slurmctld
SlurmdSpoolDir=/var/spool/slurmd
SlurmctldLogFile=/var/log/slurm/slurmctld.log
SlurmdLogFile=/var/log/slurm/slurmd.log
SlurmctldPidFile=/run/slurmctld.pid
SlurmdPidFile=/run/slurmd.pid
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
NodeName=$host CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=main Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
pgrep -x slurmctld >/dev/null || slurmctld
pgrep -x slurmd >/dev/null || slurmd
for _ in $(seq 60); do
  sinfo -h -o %T 2>/dev/null | grep -Eq '^(idle|mixed|allocated)' && break
  sleep 1
done
sinfo -h -o %T | grep -Eq '^(idle|mixed|allocated)' || { echo "the Slurm node did not come up; see /var/log/slurm/" >&2; exit 1; }
ready=$(date +%s)

# A whole run to compare with, then the tiled run through Slurm.
rm -rf "$work"; mkdir -p "$work"
config="$repo/layers/demo/assessment.toml"
"$sise" --quiet run "$config" --out "$work/whole"
submitted=$(date +%s)
read -r array merge < <(SISE_BIN="$sise" SISE_SBATCH_ARGS="--cpus-per-task=1 --mem=2G" "$repo/deploy/slurm/submit.sh" "$config" "$work/shared" "$tiles" "$cpus")
while squeue -h -j "$array,$merge" 2>/dev/null | grep -q .; do sleep 1; done
finished=$(date +%s)
state=$(scontrol show job "$merge" | grep -o 'JobState=[A-Z]*' | cut -d= -f2)
if [ "$state" != COMPLETED ]; then
  echo "the merge job ended $state; logs in $work/shared/" >&2
  exit 1
fi

# Same outputs: every file byte for byte but those carrying write
# timestamps; the GeoPackage feature by feature.
year="2024-2026/2024"
a="$work/whole/$year"; b="$work/shared/out/$year"
(cd "$a" && find . -type f ! -name manifest.json ! -name sise.gpkg ! -name '*.xlsx' | sort) | while read -r f; do
  cmp -s "$a/$f" "$b/$f" || { echo "differs: $f" >&2; exit 1; }
done
dump() { ogrinfo -ro -al -q "$1" | grep -v -e update_time -e '^INFO'; }
diff <(dump "$a/sise.gpkg") <(dump "$b/sise.gpkg") >/dev/null || { echo "the GeoPackages differ" >&2; exit 1; }

units=$(grep -c '"index"' "$work/shared/plan.json")
echo "slurm: $units units ($tiles) + merge; merged outputs equal the whole run"
echo "slurm: cluster up in $((ready - start)) s; array + merge $((finished - submitted)) s wall"
python3 - "$work/shared/units" <<'PY'
import json, pathlib, sys
for d in sorted(pathlib.Path(sys.argv[1]).iterdir(), key=lambda p: int(p.name)):
    r = json.loads((d / "unit.json").read_text())
    print(f"slurm: unit {r['index']}: {sum(r['objects'].values())} objects, {r['seconds']:.1f} s, peak {r['peak_memory_mb']:.0f} MB")
PY
