#!/usr/bin/env bash
# Installs what is missing, builds and runs every test: the whole suite on the release preset,
# then the unit tests again under AddressSanitizer and UndefinedBehaviorSanitizer (that preset
# builds only what the unit tests need: SLUICE_UNIT_TESTS_ONLY).
set -euo pipefail
cd "$(dirname "$0")/../.."

tools/dev/install-deps.sh --test
jobs=$(nproc)

cmake --preset release >/dev/null
cmake --build --preset release -j "$jobs"
ctest --preset release -j "$jobs"

cmake --preset asan-ubsan >/dev/null
cmake --build --preset asan-ubsan -j "$jobs"
ctest --preset asan-ubsan -j "$jobs"

echo "all tests passed"
