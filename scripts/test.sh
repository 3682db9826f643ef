#!/usr/bin/env bash
# Second command of the README: install what is missing, then run every test
# (unit tests and the integration tests against real GDAL/PROJ files).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
cargo test --no-fail-fast "$@"
