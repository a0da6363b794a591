#!/usr/bin/env bash
# Installs a software Vulkan driver that Dawn (npm "webgpu") accepts, so the tfjs WebGPU backend can
# run (and be tested) on a machine without a GPU: Mesa's llvmpipe/lavapipe from Debian
# bookworm-backports (Mesa 25.x) plus the Vulkan loader (libvulkan1).
#
# Debian 12's own mesa-vulkan-drivers (Mesa 22.3) is rejected by Dawn ("Vulkan
# shaderUniform*ArrayDynamicIndexing required"), hence backports. Only Debian mirrors are contacted.
# Idempotent: re-running changes nothing once the driver is in place. Needs root (or sudo) and apt.
#
# On a machine with a real GPU install the vendor's Vulkan ICD + libvulkan1 instead; this script is
# for CI and headless development boxes.
set -euo pipefail

log() { printf 'setup-vulkan: %s\n' "$*"; }

SUDO=''
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO='sudo'; else log 'needs root (or sudo) to run apt-get'; exit 1; fi
fi
if ! command -v apt-get >/dev/null 2>&1; then log 'apt-get not found: this script supports Debian 12 (bookworm) only'; exit 1; fi

codename=''
if [ -r /etc/os-release ]; then codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-}"); fi
if [ "$codename" != 'bookworm' ]; then
  log "this script targets Debian bookworm (found '${codename:-unknown}'); install Mesa >= 24 (mesa-vulkan-drivers) and libvulkan1 by hand"
  exit 1
fi

# Driver already there and new enough? (lvp_icd from Mesa >= 24 registered with the loader.)
mesa_version() { dpkg-query -W -f='${Version}' mesa-vulkan-drivers 2>/dev/null || true; }
installed_ok() {
  local v
  v=$(mesa_version)
  [ -n "$v" ] && dpkg --compare-versions "$v" ge 24 && dpkg-query -W -f='${Status}' libvulkan1 2>/dev/null | grep -q 'install ok installed'
}

if installed_ok; then
  log "already installed: mesa-vulkan-drivers $(mesa_version), libvulkan1 $(dpkg-query -W -f='${Version}' libvulkan1)"
else
  # Add bookworm-backports unless some apt source already provides it.
  if ! grep -rqsE '^[^#]*bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/; then
    # Use the mirror the system already uses for bookworm (deb.debian.org by default).
    mirror=$(grep -rhsoE '^(URIs:|deb)[[:space:]]+[^[:space:]]*https?://[^[:space:]]+/debian/?' /etc/apt/sources.list /etc/apt/sources.list.d/ \
      | grep -v security | head -n1 | awk '{print $NF}' || true)
    mirror=${mirror:-http://deb.debian.org/debian}
    log "adding the bookworm-backports apt source ($mirror)"
    printf 'Types: deb\nURIs: %s\nSuites: bookworm-backports\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' "$mirror" \
      | $SUDO tee /etc/apt/sources.list.d/bookworm-backports.sources >/dev/null
  fi
  export DEBIAN_FRONTEND=noninteractive
  log 'apt-get update'
  $SUDO apt-get -o DPkg::Lock::Timeout=600 update -qq
  log 'installing mesa-vulkan-drivers (bookworm-backports) and libvulkan1'
  $SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends -t bookworm-backports mesa-vulkan-drivers libvulkan1 >/dev/null
  installed_ok || { log "installed mesa-vulkan-drivers $(mesa_version) is older than 24: Dawn will reject it"; exit 1; }
fi

icd=$(ls /usr/share/vulkan/icd.d/lvp_icd*.json 2>/dev/null | head -n1 || true)
log "driver: Mesa $(mesa_version) (lavapipe/llvmpipe software Vulkan), loader libvulkan1 $(dpkg-query -W -f='${Version}' libvulkan1), ICD ${icd:-not found}"
