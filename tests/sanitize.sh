#!/bin/sh
# The whole test suite under AddressSanitizer + UndefinedBehaviorSanitizer: a separate
# build (KEYWARD_SANITIZE=ON, the `sanitize` preset), then every ctest test, unit and
# integration. Any sanitizer report aborts the process that hit it, which fails its test
# (integration tests also look for sanitizer output in what keyward prints).
#
#   tests/sanitize.sh                 build-asan, every test
#   tests/sanitize.sh -R integration  extra arguments go to ctest
set -eu
src=$(cd "$(dirname "$0")/.." && pwd)
build=${SANITIZE_BUILD:-$src/build-asan}
jobs=$(nproc 2>/dev/null || echo 2)

cmake -S "$src" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DKEYWARD_SANITIZE=ON \
  -DKEYWARD_WERROR=ON >/dev/null
ninja -C "$build"

export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:check_initialization_order=1:detect_stack_use_after_return=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
export KEYWARD_RULES="${KEYWARD_RULES:-$src/patterns}"
# An instrumented cold start compiles every rule (tens of seconds): compile once into a
# seed that each integration test copies into its own cache directory.
seed="$build/test-cache-seed"
rm -rf "$seed"
KEYWARD_CACHE_DIR="$seed" "$build/keyward" rules >/dev/null
export KEYWARD_TEST_CACHE_SEED="$seed"
export KEYWARD_CACHE_DIR="$build/test-cache"
ctest --test-dir "$build" -j "$jobs" --output-on-failure "$@"
