#!/usr/bin/env bash
# A Debian bookworm base image for deploy/Dockerfile, built from Debian packages alone (for
# machines that reach the Debian mirrors but no container registry). Prints the image name.
#   CONTAINERS_CONF=deploy/podman/containers.conf deploy/podman/base-image.sh [cache dir]
# The rootfs tarball is cached in the cache dir (default /var/cache/challenge-ci), keyed by the
# package list; the image is imported once per key.
set -euo pipefail
cache=${1:-${CHALLENGE_CI_CACHE:-/var/cache/challenge-ci}}
# python3 (3.11 on bookworm) and the libraries the runtime stage needs, so it installs nothing.
packages=python3,python3-venv,ca-certificates,libpango-1.0-0,libpangoft2-1.0-0,libharfbuzz0b,libharfbuzz-subset0,fonts-dejavu-core
key=$(printf '%s bookworm minbase v1' "$packages" | sha256sum | cut -c1-12)
image=localhost/challenge-base:bookworm-$key
if podman image exists "$image"; then echo "$image"; exit 0; fi
mkdir -p "$cache"
tarball=$cache/rootfs-bookworm-$key.tar
if [ ! -s "$tarball" ]; then
  mmdebstrap --quiet --format=tar --variant=minbase --include="$packages" \
    --aptopt='APT::Install-Recommends "false"' --dpkgopt='force-unsafe-io' \
    --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-include=/usr/share/doc/*/copyright' \
    --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/locale/*' \
    bookworm "$tarball.part" >&2
  mv "$tarball.part" "$tarball"
fi
podman import --quiet --change 'CMD ["/bin/bash"]' "$tarball" "$image" >&2
echo "$image"
