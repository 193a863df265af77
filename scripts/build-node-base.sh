#!/usr/bin/env bash
# Makes a local stand-in for the official Node 20 image, for machines that cannot pull images:
# a minimal Debian root file system (debootstrap, from the Debian mirror apt already uses) with
# this machine's Node 20 (node, npm and the headers native modules build against) and its
# certificate authorities, imported into the engine with `docker import`. Like the official
# image, it has a user `node` (uid 1000) and node on the PATH.
#
#   scripts/build-node-base.sh [TAG]     default tag: rsgo-node-base:20-bookworm
#   docker build --build-arg NODE_IMAGE=rsgo-node-base:20-bookworm -t rsgo .
#
# Idempotent: an image that already has the tag is kept (RSGO_REBUILD_BASE=1 makes it anew).
# Run as root on Debian; needs debootstrap (installed when missing).
set -euo pipefail

tag=${1:-rsgo-node-base:20-bookworm}
log() { printf 'build-node-base: %s\n' "$*"; }

if [ "${RSGO_REBUILD_BASE:-}" != 1 ] && docker image inspect "$tag" >/dev/null 2>&1; then
  log "$tag already exists"
  exit 0
fi

node_bin=$(command -v node) || { log "no node on this machine"; exit 1; }
case "$("$node_bin" --version)" in
  v20.*) ;;
  *) log "this machine's node is $("$node_bin" --version), not Node 20"; exit 1 ;;
esac
command -v debootstrap >/dev/null || {
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends debootstrap >/dev/null
}

. /etc/os-release
suite=${VERSION_CODENAME:-bookworm}
# The mirror apt uses on this machine (deb822 or one-line sources), so nothing else is reached.
mirror=$(grep -hoE 'https?://[^ ]+/debian/?( |$)' /etc/apt/sources.list.d/*.sources /etc/apt/sources.list 2>/dev/null | head -1 | tr -d ' ' || true)
mirror=${mirror:-http://deb.debian.org/debian}

root=$(mktemp -d /var/tmp/rsgo-node-base.XXXXXX)
trap 'rm -rf "$root"' EXIT

log "debootstrap $suite from $mirror"
debootstrap --variant=minbase --include=ca-certificates "$suite" "$root" "$mirror" >"$root.log" 2>&1 \
  || { tail -20 "$root.log"; rm -f "$root.log"; exit 1; }
rm -f "$root.log"

# Node 20 as this machine has it: the binary, npm and corepack, and the headers node-gyp needs.
prefix=$(dirname "$(dirname "$(readlink -f "$node_bin")")")
log "node $("$node_bin" --version) from $prefix"
install -D -m 0755 "$(readlink -f "$node_bin")" "$root/usr/local/bin/node"
mkdir -p "$root/usr/local/lib" "$root/usr/local/include"
mkdir -p "$root/usr/local/lib/node_modules"
cp -a "$prefix/lib/node_modules/npm" "$prefix/lib/node_modules/corepack" "$root/usr/local/lib/node_modules/"
[ -d "$prefix/include/node" ] && cp -a "$prefix/include/node" "$root/usr/local/include/"
ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$root/usr/local/bin/npm"
ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$root/usr/local/bin/npx"
# Libraries node links against that minbase lacks (libstdc++ is not in minbase).
for lib in $(ldd "$node_bin" | awk '$3 ~ /^\// { print $3 }'); do
  [ -e "$root$lib" ] || install -D -m 0644 "$lib" "$root$lib"
done
chroot "$root" /usr/local/bin/node --version >/dev/null

# The certificate authorities this machine trusts, so npm in a build reaches the registry the
# way this machine does (behind a TLS-inspecting proxy too).
cp /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/ca-certificates.crt"

chroot "$root" groupadd --gid 1000 node
chroot "$root" useradd --uid 1000 --gid node --shell /bin/bash --create-home node
rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*

log "importing $tag"
tar -C "$root" -c . | docker import \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt' \
  --change 'CMD ["node"]' \
  - "$tag" >/dev/null
log "ready: $tag"
