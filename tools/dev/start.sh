#!/usr/bin/env bash
# Installs what is missing, builds the release preset and starts sluiced in the foreground on
# the default config (conf/sluice.toml). Extra arguments go to sluiced.
set -euo pipefail
cd "$(dirname "$0")/../.."

tools/dev/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release
exec build/release/bin/sluiced --config conf/sluice.toml "$@"
