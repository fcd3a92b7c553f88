#!/usr/bin/env bash
# The test command: installs what is missing, configures, builds and runs the
# whole ctest suite. Exits non-zero on any failure.
#   BUILD_DIR (default build/test)   SANITIZE=ON|OFF (default ON)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
BUILD_DIR=${BUILD_DIR:-build/test}
SANITIZE=${SANITIZE:-ON}
cmake -S . -B "$BUILD_DIR" -DSUMSCOPE_SANITIZE="$SANITIZE" -DSUMSCOPE_PLUGIN=ON
cmake --build "$BUILD_DIR" -j"$(nproc)"
ctest --test-dir "$BUILD_DIR" --output-on-failure -j"$(nproc)"
