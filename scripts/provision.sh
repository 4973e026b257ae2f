#!/usr/bin/env bash
# Installs (if missing) and starts what the tests need: a Docker engine, the Docker distribution
# registry binary, busybox for test images, htpasswd, Chromium, mosquitto, debootstrap and docker-compose. Idempotent; needs root
# on a machine without them. Registries themselves are started per test run by the jest global setup.
set -euo pipefail

need=()
command -v dockerd >/dev/null 2>&1 || need+=(docker.io)
[ -x /usr/bin/docker ] || need+=(docker.io)
command -v docker-registry >/dev/null 2>&1 || need+=(docker-registry)
[ -x /bin/busybox ] || need+=(busybox-static)
command -v htpasswd >/dev/null 2>&1 || need+=(apache2-utils)
[ -x /usr/bin/chromium ] || need+=(chromium)
command -v mosquitto >/dev/null 2>&1 || need+=(mosquitto)
# The Dockerfile test builds its Node base image with debootstrap (nothing can be pulled here).
command -v debootstrap >/dev/null 2>&1 || need+=(debootstrap)
# The Compose export is run by a real Compose client (Debian's docker-compose 1.29, the Python one).
[ -x /usr/bin/docker-compose ] || need+=(docker-compose)

if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "provision: missing ${need[*]}; run as root or install them" >&2
    exit 1
  fi
  echo "provision: installing ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

if ! /usr/bin/docker info >/dev/null 2>&1; then
  if [ "$(id -u)" != 0 ]; then
    echo "provision: the Docker engine is not running and this user cannot start it" >&2
    exit 1
  fi
  echo "provision: starting dockerd"
  # The registry package's own service is not used: tests start registries on free loopback ports.
  nohup dockerd >/tmp/dockdeck-dockerd.log 2>&1 &
  for _ in $(seq 1 60); do
    /usr/bin/docker info >/dev/null 2>&1 && break
    sleep 1
  done
  /usr/bin/docker info >/dev/null 2>&1 || { echo "provision: dockerd did not start; see /tmp/dockdeck-dockerd.log" >&2; exit 1; }
fi
echo "provision: Docker $(/usr/bin/docker version --format '{{.Server.Version}}') ready"
