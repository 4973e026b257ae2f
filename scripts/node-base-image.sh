#!/usr/bin/env bash
# Builds a local stand-in for the official node:24-bookworm-slim image, for machines that cannot pull
# from Docker Hub (this project's test machines): Debian bookworm (debootstrap minbase, from Debian's
# mirror) plus the Node 24 binary of the npm `node` package and the machine's npm. Idempotent: an
# image already present is kept. Usage: scripts/node-base-image.sh [image-tag]
set -euo pipefail
cd "$(dirname "$0")/.."
tag=${1:-dockdeck-test/node:24-bookworm-slim}
docker_bin=/usr/bin/docker

if "$docker_bin" image inspect "$tag" >/dev/null 2>&1; then
  echo "node-base-image: $tag present"
  exit 0
fi
node_bin=$(readlink -f node_modules/.bin/node)
npm_dir=$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")
[ -x "$node_bin" ] || { echo "node-base-image: run npm install first (no node_modules/.bin/node)" >&2; exit 1; }
[ -f "$npm_dir/package.json" ] || { echo "node-base-image: npm not found" >&2; exit 1; }
command -v debootstrap >/dev/null 2>&1 || {
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq --no-install-recommends debootstrap >/dev/null
}

rootfs=$(mktemp -d /tmp/dd-node-rootfs-XXXXXX)
trap 'rm -rf "$rootfs"' EXIT
mirror=$(sed -n 's/^URIs: *//p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -n 1)
echo "node-base-image: debootstrap bookworm into $rootfs"
debootstrap --variant=minbase bookworm "$rootfs" "${mirror:-http://deb.debian.org/debian}" >/tmp/dd-debootstrap.log 2>&1 \
  || { echo "node-base-image: debootstrap failed; see /tmp/dd-debootstrap.log" >&2; exit 1; }
# What the official slim image leaves out of a Debian base: package lists and caches.
rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
install -m 0755 "$node_bin" "$rootfs/usr/local/bin/node"
mkdir -p "$rootfs/usr/local/lib/node_modules"
cp -a "$npm_dir" "$rootfs/usr/local/lib/node_modules/npm"
ln -s ../lib/node_modules/npm/bin/npm-cli.js "$rootfs/usr/local/bin/npm"
ln -s ../lib/node_modules/npm/bin/npx-cli.js "$rootfs/usr/local/bin/npx"
"$rootfs/usr/local/bin/node" --version >/dev/null
# Where this machine reaches the npm registry through a TLS-inspecting proxy, its CA bundle is what
# makes `npm ci` inside a build trust it; the bundle is this machine's, so it stays in this local image.
ca_env=()
if [ -s /etc/ssl/certs/ca-certificates.crt ]; then
  mkdir -p "$rootfs/etc/ssl/certs"
  cp /etc/ssl/certs/ca-certificates.crt "$rootfs/etc/ssl/certs/ca-certificates.crt"
  ca_env=(-c 'ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt')
fi
tar -C "$rootfs" -c . | "$docker_bin" import \
  -c 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' "${ca_env[@]}" \
  -c 'CMD ["node"]' - "$tag" >/dev/null
echo "node-base-image: $tag built ($("$docker_bin" run --rm "$tag" node --version))"
