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
  librocksdb-dev libpqxx-dev libhiredis-dev
)
# Test-only: the real clients the client tests drive (Debian's AWS CLI v2 and boto3 speak the SQS
# query protocol; the npm AWS SDK speaks JSON; pika and amqp-tools speak AMQP 0-9-1), Node.js for
# the npm clients, and the PostgreSQL and Redis servers the store tests start in temp dirs.
TEST_PACKAGES=(procps awscli python3-boto3 python3-pika amqp-tools postgresql-15 redis-server)

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

if [[ "${1:-}" == "--test" ]]; then
  if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    SUDO=""
    [[ $(id -u) -eq 0 ]] || SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends nodejs npm
  fi
  # npm packages exactly as the lock file pins them; skipped when already installed from it.
  js=$(dirname "$0")/../../tests/clients/js
  if [[ ! -f "$js/node_modules/.package-lock.json" || "$js/package-lock.json" -nt "$js/node_modules/.package-lock.json" ]]; then
    (cd "$js" && npm ci --no-audit --no-fund --loglevel=error)
  fi
fi
