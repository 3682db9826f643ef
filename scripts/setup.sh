#!/usr/bin/env bash
# Install what sise needs on Debian (12 "bookworm") or a derivative, for
#   run   (README command 1): GDAL 3.6 and PROJ 9.1 with headers, clang for
#         the PROJ bindings, gdal-bin (the demo lists its GeoPackage with
#         ogrinfo), a CJK font for map images;
#   test  (README command 2): that, and what the tests use to check the
#         outputs: PROJ's command-line tools, QGIS with its Python bindings
#         (the outputs opened in the real client), openpyxl (the workbook
#         read back), Chromium (the web map, and PDF reports with --pdf) and
#         poppler-utils (PDFs read back), python3-docx and LibreOffice
#         (the Word reports read back and converted), dpkg-dev (cargo-deb's
#         dependency list for the package check), PostgreSQL 15 with PostGIS 3
#         (`sise publish` and database layers, against a private server
#         scripts/postgres.sh starts).
# Installs only what is missing; safe to run again.
#   bash scripts/setup.sh [run|test]     (default: run)
set -euo pipefail

purpose=${1:-run}
packages=(libgdal-dev libproj-dev gdal-bin pkg-config clang libclang-dev fonts-noto-cjk)
case "$purpose" in
  run) ;;
  test) packages+=(dpkg-dev proj-bin qgis python3-qgis python3-openpyxl python3-docx libreoffice-writer chromium poppler-utils postgresql-15-postgis-3 postgresql-client) ;;
  *) echo "setup: unknown purpose '$purpose' (run or test)" >&2; exit 2 ;;
esac

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}" >&2
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  # A run needs no recommended extras (they double the download); the tests' QGIS and Chromium keep theirs.
  recommends=()
  [ "$purpose" = test ] || recommends=(--no-install-recommends)
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${recommends[@]}" "${missing[@]}" >/dev/null
fi

if ! command -v cargo >/dev/null; then
  echo "setup: no Rust toolchain found; install one with rustup (https://rustup.rs) and run this again" >&2
  exit 1
fi
