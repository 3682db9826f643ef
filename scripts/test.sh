#!/usr/bin/env bash
# Second command of the README: install what is missing, check formatting
# and lints, then run every test (unit tests, the integration tests against
# real GDAL/PROJ files, and the module dependency order).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh test    # the run's packages and what the tests check the outputs with
# rustup's minimal profile lacks the linters; add them when missing.
if ! cargo fmt --version >/dev/null 2>&1 || ! cargo clippy --version >/dev/null 2>&1; then
  rustup component add rustfmt clippy
fi
# Style first: formatting and lints are part of passing, not advice.
cargo fmt --check
cargo clippy --all-targets --quiet -- -D warnings
# A private PostgreSQL + PostGIS for the publish tests, stopped whatever happens.
trap 'bash scripts/postgres.sh stop' EXIT
export $(bash scripts/postgres.sh start)
cargo test --no-fail-fast "$@"
# The Debian package: installed with apt, the demo run from /usr/share/sise.
bash scripts/check-package.sh
