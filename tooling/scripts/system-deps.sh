#!/usr/bin/env bash
# Installs what the WebGPU and browser tests need from Debian when it is missing: chromium (its
# SwiftShader Vulkan driver gives a CPU WebGPU adapter; playwright-core drives it) and libvulkan1.
# Needs root and apt-get; otherwise it says what is missing and carries on (those suites then skip
# or fail with a message naming the package).
set -uo pipefail
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
ldconfig -p 2>/dev/null | grep -q 'libvulkan\.so\.1' || missing+=(libvulkan1)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "xent: installing ${missing[*]} from Debian"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "xent: missing ${missing[*]}; install them (apt-get install ${missing[*]}) for the WebGPU and browser tests" >&2
fi
exit 0
