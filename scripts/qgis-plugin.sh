#!/usr/bin/env bash
# Package the QGIS plugin (qgis/sise_qgis) as the zip QGIS installs from
# Plugins ▸ Manage and Install Plugins ▸ Install from ZIP.
#   bash scripts/qgis-plugin.sh [OUT.zip]     (default: dist/sise_qgis-<version>.zip)
set -euo pipefail
cd "$(dirname "$0")/.."
version=$(sed -n 's/^version=//p' qgis/sise_qgis/metadata.txt)
out=${1:-dist/sise_qgis-$version.zip}
mkdir -p "$(dirname "$out")"
# The zip holds one folder, named as the plugin, without caches; entries in a fixed order and time, so one source gives one zip.
python3 - "$out" <<'PY'
import os, sys, zipfile
out = sys.argv[1]
tmp = out + ".tmp"
with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as z:
    for root, dirs, files in sorted(os.walk("qgis/sise_qgis")):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for f in sorted(files):
            if f.endswith(".pyc"):
                continue
            path = os.path.join(root, f)
            info = zipfile.ZipInfo(os.path.relpath(path, "qgis"), date_time=(2024, 1, 1, 0, 0, 0))
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            with open(path, "rb") as fh:
                z.writestr(info, fh.read())
os.replace(tmp, out)
PY
echo "$out"
