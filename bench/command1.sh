#!/usr/bin/env bash
# README command 1 as a newcomer meets it, timed: a minimal Debian 12 made by
# debootstrap (nothing of this machine's packages, crates or build cache), a
# Rust toolchain (the README's precondition: this machine's, mounted read-only,
# as rustup would have installed it), a clone of the repository, then
# `bash scripts/demo.sh` under `time`: apt, crate downloads, the cold build and
# the demo runs. Prints the wall time; the root is removed afterwards.
#   bash bench/command1.sh
set -euo pipefail
cd "$(dirname "$0")/.."
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
command -v debootstrap >/dev/null || DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq debootstrap >/dev/null
rustup_home=${RUSTUP_HOME:-$HOME/.rustup}
cargo_bin=${CARGO_HOME:-$HOME/.cargo}/bin
root=$(mktemp -d /var/tmp/sise-command1.XXXXXX)
cleanup() {
  for m in root/.rustup proc dev; do $sudo umount "$root/$m" 2>/dev/null || true; done
  $sudo rm -rf "$root"
}
trap cleanup EXIT

mirror=$(sed -n 's/^URIs: *//p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -1)
mirror=${mirror:-http://deb.debian.org/debian}
echo "command1: debootstrap bookworm into $root" >&2
$sudo debootstrap --variant=minbase --include=ca-certificates,git,sudo bookworm "$root" "$mirror" >/dev/null
$sudo mount -t proc proc "$root/proc"
$sudo mount --bind /dev "$root/dev"
$sudo cp /etc/resolv.conf "$root/etc/resolv.conf"
# This machine's own certificate authorities (a proxy's), so cargo reaches crates.io as here.
if ls /usr/local/share/ca-certificates/*.crt >/dev/null 2>&1; then
  $sudo cp /usr/local/share/ca-certificates/*.crt "$root/usr/local/share/ca-certificates/"
  $sudo chroot "$root" update-ca-certificates >/dev/null 2>&1
fi
$sudo mkdir -p "$root/root/.rustup" "$root/root/.cargo/bin"
$sudo mount --bind -o ro "$rustup_home" "$root/root/.rustup"
$sudo cp "$cargo_bin"/{cargo,rustc,rustup} "$root/root/.cargo/bin/" 2>/dev/null || $sudo cp "$cargo_bin"/* "$root/root/.cargo/bin/"
git clone -q --no-hardlinks . "$root/root/sise"

echo "command1: timing README command 1 (bash scripts/demo.sh) in the fresh root" >&2
start=$(date +%s)
$sudo chroot "$root" env -i PATH=/root/.cargo/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root TERM=dumb \
  bash -c 'cd /root/sise && bash scripts/demo.sh' > "$root/demo.log" 2>&1 || { tail -30 "$root/demo.log" >&2; exit 1; }
secs=$(( $(date +%s) - start ))
tail -5 "$root/demo.log" >&2
printf 'command1: README command 1 on a fresh Debian 12: %d min %02d s\n' $((secs / 60)) $((secs % 60))
