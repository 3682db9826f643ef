#!/usr/bin/env bash
# The Debian package as a bureau's server admin gets it (part of the test
# command): package the build the tests just used with cargo-deb, install it
# with apt (which pulls GDAL, PROJ and the CJK font it declares), run the
# demo's 2024 and 2025 from /usr/share/sise as an unprivileged user (nothing
# may be written beside the installed files), and compare every output with
# the same years run from the repository: byte-identical except manifest.json,
# which names the input paths; then the image's runtime stage
# (scripts/check-image.sh). The package is removed again at the end.
#
# The release package itself is `cargo deb` (README "Installing without a
# toolchain"); it differs from the one checked here only in compiler flags.
set -euo pipefail
cd "$(dirname "$0")/.."

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
if dpkg-query -W -f='${Status}' sise 2>/dev/null | grep -q "install ok installed"; then
  echo "check-package: a sise package is already installed; this check installs and removes its own. Remove it first: $sudo apt-get remove sise" >&2
  exit 1
fi
# The version is pinned: cargo-deb warns that packaging a dev build will one day be refused.
if ! cargo deb --version 2>/dev/null | grep -q "3.8.0"; then
  cargo install cargo-deb --version 3.8.0 --locked --quiet
fi

target=${CARGO_TARGET_DIR:-target}
work=$(mktemp -d /tmp/sise-package.XXXXXX)
chmod 755 "$work"
cleanup() {
  DEBIAN_FRONTEND=noninteractive $sudo apt-get remove -y -qq sise >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

cargo build --quiet --bin sise
cargo deb --profile dev --no-build --quiet --output "$work/sise.deb" >/dev/null
echo "check-package: installing $(dpkg-deb -f "$work/sise.deb" Package Version Depends | tr '\n' ' ')" >&2
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$work/sise.deb" >/dev/null 2>&1

# Fixed timestamps so the two runs' GeoPackages, workbooks and Word files can be compared byte for byte.
export SOURCE_DATE_EPOCH=1700000000
mkdir -m 777 "$work/installed"
for year in demo demo-2025; do
  "$target/debug/sise" run "layers/$year/assessment.toml" --out "$work/repository" --quiet
  $sudo runuser -u nobody -- env SOURCE_DATE_EPOCH=$SOURCE_DATE_EPOCH \
    /usr/bin/sise run "/usr/share/sise/$year/assessment.toml" --out "$work/installed" --quiet
done

listing() { (cd "$1" && find . -type f ! -name manifest.json | sort | xargs md5sum); }
if ! diff <(listing "$work/repository") <(listing "$work/installed") >&2; then
  echo "check-package: the installed package's demo differs from the repository's (above)" >&2
  exit 1
fi
files=$(listing "$work/installed" | wc -l)
[ "$files" -gt 100 ] || { echo "check-package: only $files output files" >&2; exit 1; }
echo "check-package: apt installed the package; /usr/share/sise/demo and demo-2025 wrote $files files, identical to the repository's run" >&2
# The container image's runtime stage, on a minimal Debian that has nothing but the package.
bash scripts/check-image.sh "$work/sise.deb"
