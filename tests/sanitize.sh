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

# libgit2 1.5 leaks pcre2 match data when it matches config keys (extensions.* in a
# partial clone): not ours, suppressed by library in tests/lsan.supp.
export LSAN_OPTIONS="${LSAN_OPTIONS:-suppressions=$src/tests/lsan.supp:print_suppressions=0}"
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:check_initialization_order=1:detect_stack_use_after_return=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
export KEYWARD_RULES="${KEYWARD_RULES:-$src/patterns}"
# An instrumented cold start compiles every rule (tens of seconds): warm the suite's shared
# pattern cache once before the tests start in parallel.
export KEYWARD_CACHE_DIR="$build/test-cache"
"$build/keyward" rules >/dev/null
ctest --test-dir "$build" -j "$jobs" --output-on-failure "$@"
