#!/usr/bin/env bash
# The whole test suite, from a fresh clone on a fresh Debian/Ubuntu machine:
#   1. the packages (build and test ones) when missing, and the test-only schema
#      validators from the npm registry (so no test downloads anything),
#   2. two builds: the release preset (-Werror, the binary users get) and the sanitize
#      preset (one clang build with ASan + UBSan whose libraries are also instrumented for
#      libFuzzer),
#   3. every test once, through ctest, in the build it is meant for (CMakeLists.txt labels
#      them): the unit tests and the integration tests that drive keyward's parsers
#      (labels `unit`, `parsers`) under the sanitizers; every rule's examples, the
#      linear-time check and the other integration tests (real git, the real hooks, real
#      pre-commit, real pushes; label `release`) against the release binary, while the
#      sanitizer build compiles (those tests mostly wait on git and leave the CPU idle),
#   4. a short, bounded fuzzing run of every libFuzzer target from the sanitize build
#      (FUZZ_SECONDS each, one at a time beside the sanitizer tests; tests/fuzz/run.sh
#      for a long run),
#   5. keyward's own --all-history sweep of this repository, which must find nothing.
# Stages can be skipped: KEYWARD_SKIP_SANITIZE=1 (then every test runs in the release
# build), KEYWARD_SKIP_FUZZ=1.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$(pwd)"
jobs="$(nproc 2>/dev/null || echo 2)"
t0=$(date +%s)
stage() { echo "== $* (at $(( $(date +%s) - t0 ))s)"; }

stage "packages"
./install.sh --deps-only --test-deps
tests/integration/validators/setup.sh "$root/build/validators"
export KEYWARD_VALIDATOR_DIR="$root/build/validators"
# ccache, when the machine has it, only makes rebuilds faster; the suite does not need it.
# Paths relative to the clone let another clone of the same sources (a CI checkout)
# reuse the objects this machine has already compiled.
launcher=()
if command -v ccache >/dev/null; then
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  export CCACHE_BASEDIR="$root" CCACHE_NOHASHDIR=1
fi
sanitize=1
[ "${KEYWARD_SKIP_SANITIZE:-0}" = 1 ] && sanitize=0

stage "release build"
# The unit tests run in the sanitizer build only, so the release build skips their binary
# (the linear-time check, which needs optimised code, is a binary of its own).
cmake --preset release "${launcher[@]}" -DKEYWARD_UNIT_TESTS=$([ $sanitize = 1 ] && echo OFF || echo ON) >/dev/null
cmake --build --preset release

# A private cache so the suite never reads a stale database from a developer's home.
export KEYWARD_CACHE_DIR="$root/build/test-cache"
# Compiled once, before the tests start in parallel (as install does for a user), so that
# the tests that share it do not each compile it cold.
KEYWARD_RULES="$root/patterns" ./build/keyward rules >/dev/null
# The integration tests mostly wait on git and on processes starting (a fraction of a core
# each), so more of them run at once than there are cores.
tjobs=$(( jobs + 2 ))
release_tests() {
  if [ $sanitize = 1 ]; then
    ctest --preset release -j "$tjobs" -L '^release$'
  else
    ctest --preset release -j "$tjobs"
  fi
}
if [ $sanitize = 1 ]; then
  # The release tests leave most of the CPU idle: the sanitizer build compiles meanwhile.
  stage "release tests, while the sanitizer build (clang, ASan + UBSan, fuzz-instrumented) compiles"
  log="$root/build/sanitize-build.log"
  tests/sanitize.sh --build-only "${launcher[@]}" >"$log" 2>&1 &
  build_pid=$!
  trap 'kill "$build_pid" 2>/dev/null || true' EXIT
  tests_rc=0
  release_tests || tests_rc=$?
  build_rc=0
  wait "$build_pid" || build_rc=$?
  trap - EXIT
  if [ $build_rc != 0 ]; then
    tail -n 80 "$log"
    echo "tests/run.sh: the sanitizer build failed (whole log: $log)" >&2
    exit 1
  fi
  [ $tests_rc = 0 ] || exit $tests_rc
  fuzz_pid=""
  if [ "${KEYWARD_SKIP_FUZZ:-0}" != 1 ]; then
    # One fuzz target at a time beside the sanitizer tests: each runs for a fixed time.
    stage "sanitizer tests, with the fuzz smoke run beside them"
    FUZZ_SECONDS="${FUZZ_SECONDS:-6}" FUZZ_JOBS=1 tests/fuzz/run.sh >"$root/build-asan/fuzz-smoke.log" 2>&1 &
    fuzz_pid=$!
    trap 'kill "$fuzz_pid" 2>/dev/null || true' EXIT
  else
    stage "sanitizer tests"
  fi
  tests_rc=0
  tests/sanitize.sh || tests_rc=$?
  if [ -n "$fuzz_pid" ]; then
    fuzz_rc=0
    wait "$fuzz_pid" || fuzz_rc=$?
    trap - EXIT
    cat "$root/build-asan/fuzz-smoke.log"
    [ $fuzz_rc = 0 ] || { echo "tests/run.sh: the fuzz smoke run failed" >&2; exit 1; }
  fi
  [ $tests_rc = 0 ] || exit $tests_rc
else
  stage "release tests"
  release_tests
fi

if [ -d .git ]; then
  stage "self-check: keyward --all-history on this repository"
  ./build/keyward --all-history --rules patterns --no-progress
fi
stage "all test stages passed"
