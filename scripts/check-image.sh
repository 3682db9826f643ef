#!/usr/bin/env bash
# The container image's runtime stage without a container engine (none runs
# on the CI machines): a minimal Debian 12 made by debootstrap stands in for
# `FROM debian:bookworm-slim`, and the same steps as the Containerfile's run
# in it — apt installs the Debian package (so every library and font it needs
# must be among its declared dependencies: nothing of the build machine is
# there), an unprivileged user runs the demo from /usr/share/sise, and its
# outputs are checked. Called by scripts/check-package.sh with the .deb it built.
#   bash scripts/check-image.sh PATH/TO/sise.deb
set -euo pipefail
deb=$(realpath "$1")
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
if ! command -v debootstrap >/dev/null; then
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq debootstrap >/dev/null
fi
root=$(mktemp -d /var/tmp/sise-image.XXXXXX)
chmod 755 "$root"   # the image's /: its user must be able to enter it
cleanup() {
  for m in proc dev; do $sudo umount "$root/$m" 2>/dev/null || true; done
  $sudo rm -rf "$root"
}
trap cleanup EXIT

# The mirror the machine's apt uses, so the check needs no other network.
mirror=$(sed -n 's/^URIs: *//p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -1)
mirror=${mirror:-http://deb.debian.org/debian}
$sudo debootstrap --variant=minbase bookworm "$root" "$mirror" >/dev/null
$sudo mount -t proc proc "$root/proc"
$sudo mount --bind /dev "$root/dev"
$sudo cp "$deb" "$root/tmp/sise.deb"
in_image() { $sudo chroot "$root" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root DEBIAN_FRONTEND=noninteractive "$@"; }
in_image apt-get update -qq
in_image apt-get install -y -qq --no-install-recommends /tmp/sise.deb >/dev/null
in_image useradd --create-home --uid 1000 sise
in_image su sise -c "cd /home/sise && sise run /usr/share/sise/demo/assessment.toml --out /tmp/demo --quiet"
year=$root/tmp/demo/2024-2026/2024
for f in sise.gpkg sise.qgs summary.csv manifest.json maps/comprehensive.png reports/comprehensive.docx tables/risk_register.csv web/index.html; do
  [ -s "$year/$f" ] || { echo "check-image: the demo run in the image wrote no $f" >&2; exit 1; }
done
echo "check-image: a minimal Debian 12 with only the package installed ran the demo as user sise ($(find "$year" -type f | wc -l) files)" >&2
