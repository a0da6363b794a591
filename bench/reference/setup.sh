#!/usr/bin/env bash
# Installs the PyTorch reference environment from Debian (no pip: PyPI is not reachable here):
# python3-torch 1.13.1 (CPU) + numpy + OpenBLAS. OpenBLAS matters: with --no-install-recommends apt
# leaves torch on the netlib reference BLAS (libblas3), which made the training step ~10x and the
# embedding ~30x slower here. libopenblas0-pthread registers itself as the libblas.so.3 alternative.
# Run the scripts with /usr/bin/python3 (a pyenv shim on PATH may be another interpreter without torch).
set -euo pipefail
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
PKGS="python3-torch python3-numpy libopenblas0-pthread"
missing=""
for p in $PKGS; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
  export DEBIAN_FRONTEND=noninteractive
  if ! apt-cache show $missing >/dev/null 2>&1; then
    $SUDO apt-get update
  fi
  $SUDO apt-get install -y --no-install-recommends $missing
fi
echo "libblas.so.3 -> $(readlink -f /usr/lib/x86_64-linux-gnu/libblas.so.3)"
/usr/bin/python3 -c 'import torch, numpy; print("torch", torch.__version__, "numpy", numpy.__version__)'
