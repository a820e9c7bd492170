#!/usr/bin/env bash
# Packs what bench/webgpu-device.ts needs on a GPU machine without Node or network into $1 (default
# /work/main/.device): the bundled script, a compressed Node binary, the `webgpu` package's Dawn
# binary and the Vulkan loader .debs.
set -euo pipefail
dest=${1:-/work/main/.device}
here=$(cd "$(dirname "$0")/../../.." && pwd)
mkdir -p "$dest/gl"
"$here/node_modules/.bin/esbuild" "$here/packages/cce/bench/webgpu-device.ts" --bundle --platform=node \
  --format=cjs --ignore-annotations --conditions=@xent/source --log-level=error --outfile="$dest/webgpu-device.cjs"
[ -f "$dest/node.gz" ] || gzip -9c "$(command -v node)" >"$dest/node.gz"
dawn=$(readlink -f "$here/packages/cce/node_modules/webgpu")/dist/linux-x64/dawn.node
[ -f "$dest/dawn.node.gz" ] || gzip -9c "$dawn" >"$dest/dawn.node.gz"
if ! ls "$dest"/gl/*.deb >/dev/null 2>&1; then
  o='-oAPT::Architecture=amd64 -oAPT::Architectures=amd64 -oDir::State::Lists=/tmp/amd64'
  mkdir -p /tmp/amd64/partial
  apt-get $o update -qq && (cd "$dest/gl" && apt-get $o download libvulkan1 libegl1 libglvnd0 libopengl0 libgl1 libglx0 libgles2 >/dev/null)
fi
du -sh "$dest"/*
