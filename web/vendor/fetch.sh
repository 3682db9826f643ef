#!/usr/bin/env bash
# How web/vendor/ was made: pinned packages from the npm registry, checked
# against the registry's sha512 integrity, the files the page uses copied
# with their licence. Needs curl and network; sise and its tests need neither.
set -euo pipefail
cd "$(dirname "$0")"
fetch() { # name version integrity files...
    local name=$1 version=$2 integrity=$3; shift 3
    local tmp; tmp=$(mktemp -d)
    curl -fsSL -o "$tmp/p.tgz" "https://registry.npmjs.org/$name/-/$name-$version.tgz"
    local got="sha512-$(openssl dgst -sha512 -binary "$tmp/p.tgz" | base64 -w0)"
    [ "$got" = "$integrity" ] || { echo "$name $version: integrity $got, expected $integrity" >&2; exit 1; }
    tar xzf "$tmp/p.tgz" -C "$tmp"
    mkdir -p "$name-$version"
    for f in "$@" LICENSE; do cp "$tmp/package/$f" "$name-$version/"; done
    rm -rf "$tmp"
}
fetch leaflet 1.9.4 sha512-nxS1ynzJOmOlHp+iL3FyWqK89GtNL8U8rvlMOsQdTTssxZwCXh8N2NB3GDQOL+YR3XnWyZAxwQixURb+FA74PA== dist/leaflet.js dist/leaflet.css
