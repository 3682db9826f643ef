#!/usr/bin/env bash
# Install what sise needs to build and test on Debian (12 "bookworm") or a
# derivative: GDAL 3.6 and PROJ 9.1 with headers, clang for the PROJ
# bindings, the GDAL/PROJ command-line tools the tests compare against, a CJK
# font for map images, and QGIS with its Python bindings, which the tests use
# to open the outputs in the real client, openpyxl to read back the workbook,
# and Chromium (PDF reports, --pdf) with poppler-utils to read PDFs back.
# Installs only what is missing; safe to run again.
set -euo pipefail

packages=(libgdal-dev libproj-dev gdal-bin proj-bin pkg-config clang libclang-dev fonts-noto-cjk qgis python3-qgis python3-openpyxl chromium poppler-utils)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}" >&2
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if ! command -v cargo >/dev/null; then
  echo "setup: no Rust toolchain found; install one with rustup (https://rustup.rs) and run this again" >&2
  exit 1
fi
