#!/usr/bin/env bash
# Installs the Debian 12 packages Sluice needs to build and test, and nothing when they are all
# there already (so it is quick on a prepared machine). Needs root for apt-get.
set -euo pipefail

# Build: compiler, CMake/Ninja/ccache, and the libraries (Boost.Asio/Beast/DLL are header-only;
# system and filesystem are the only compiled Boost parts we use).
BUILD_PACKAGES=(
  g++ cmake ninja-build ccache pkg-config
  libboost-dev libboost-system-dev libboost-filesystem-dev
  libprotobuf-dev protobuf-compiler libssl-dev
  libtomlplusplus-dev nlohmann-json3-dev libspdlog-dev libfmt-dev libcli11-dev
  libgtest-dev libgmock-dev
)
# Test-only tools.
TEST_PACKAGES=(procps)

want=("${BUILD_PACKAGES[@]}")
if [[ "${1:-}" == "--test" ]]; then
  want+=("${TEST_PACKAGES[@]}")
fi

missing=()
for p in "${want[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if ((${#missing[@]})); then
  echo "installing: ${missing[*]}"
  SUDO=""
  [[ $(id -u) -eq 0 ]] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
