#!/usr/bin/env bash
# Installs everything vidperf needs to build and test on Debian 12 (run as root).
# Idempotent: packages already present are left alone. The CUDA toolkit is
# optional and never installed here; without nvcc the CUDA parts are skipped.
set -euo pipefail

packages=(
  cmake g++ make ninja-build pkg-config
  libeigen3-dev libboost-dev
  doctest-dev libbenchmark-dev
  nlohmann-json3-dev libfmt-dev libcli11-dev
  python3 python3-matplotlib clang-tidy
  clang-14 libclang-rt-14-dev llvm-14
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if ((${#missing[@]} == 0)); then
  echo "install-deps: all ${#packages[@]} packages already installed"
  exit 0
fi

if [[ $(id -u) -ne 0 ]]; then
  SUDO=sudo
else
  SUDO=
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
