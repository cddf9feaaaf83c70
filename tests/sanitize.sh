#!/bin/sh
# The sanitizer pass: the `sanitize` preset (clang, ASan + UBSan; its libraries are also
# instrumented for libFuzzer, so tests/fuzz/run.sh uses the same build), then the tests
# that exercise keyward's C++ parsing under the sanitizers: every unit test, and the
# integration tests that feed index files, packs, notebooks, encodings, configs and bad
# input through the binary (ctest labels `unit` and `parsers`). Any sanitizer report
# aborts the process that hit it, which fails its test. Tests that measure rather than
# exercise (every rule's examples, linear time) run only in the release build.
#
#   tests/sanitize.sh                  build, then the sanitizer test selection
#   tests/sanitize.sh --build-only [cmake args]
#   tests/sanitize.sh -R integration   other arguments replace the selection (go to ctest)
set -eu
src=$(cd "$(dirname "$0")/.." && pwd)
build="$src/build-asan"
jobs=$(nproc 2>/dev/null || echo 2)
cd "$src"
if [ "${1:-}" = --build-only ]; then
  shift
  cmake --preset sanitize "$@" >/dev/null
  cmake --build --preset sanitize
  exit 0
fi
[ -x "$build/keyward" ] || { cmake --preset sanitize >/dev/null; cmake --build --preset sanitize; }

export KEYWARD_RULES="${KEYWARD_RULES:-$src/patterns}"
# An instrumented cold start compiles every rule (seconds): warm the shared pattern cache
# once before the tests start in parallel.
export KEYWARD_CACHE_DIR="$build/test-cache"
"$build/keyward" rules >/dev/null
# The selection is by label (CMakeLists.txt): the unit tests and the parser integration tests.
[ $# -eq 0 ] && set -- -L '^(unit|parsers)$'

# Integration tests wait on git and process start-up part of the time: one more than the cores.
ctest --preset sanitize -j "$(( jobs + 1 ))" "$@"
