#!/usr/bin/env bash
# The whole test suite, from a fresh clone on a fresh Debian/Ubuntu machine:
#   1. the packages (build and test ones) when missing, and the test-only schema
#      validators from the npm registry (so no test downloads anything),
#   2. the release preset (-Werror), then every test through ctest: unit tests, every
#      rule's examples, integration tests with real git, the real hook, real pre-commit,
#   3. the sanitize preset: one clang build with ASan + UBSan whose libraries are also
#      instrumented for libFuzzer; the unit tests and the integration tests that drive
#      keyward's parsers run under the sanitizers,
#   4. a short, bounded fuzzing run of every libFuzzer target from that same build
#      (FUZZ_SECONDS each; tests/fuzz/run.sh for a long run),
#   5. keyward's own --all-history sweep of this repository, which must find nothing.
# Stages can be skipped: KEYWARD_SKIP_SANITIZE=1, KEYWARD_SKIP_FUZZ=1.
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
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)

stage "release build"
cmake --preset release "${launcher[@]}" >/dev/null
cmake --build --preset release
# A private cache so the suite never reads a stale database from a developer's home.
export KEYWARD_CACHE_DIR="$root/build/test-cache"
stage "release tests"
ctest --preset release -j "$jobs"

if [ "${KEYWARD_SKIP_SANITIZE:-0}" != 1 ]; then
  stage "sanitizer build (clang, ASan + UBSan, fuzz-instrumented)"
  tests/sanitize.sh --build-only "${launcher[@]}"
  stage "sanitizer tests"
  tests/sanitize.sh
fi

if [ "${KEYWARD_SKIP_FUZZ:-0}" != 1 ] && [ "${KEYWARD_SKIP_SANITIZE:-0}" != 1 ]; then
  stage "fuzz smoke"
  FUZZ_SECONDS="${FUZZ_SECONDS:-8}" tests/fuzz/run.sh
fi

if [ -d .git ]; then
  stage "self-check: keyward --all-history on this repository"
  ./build/keyward --all-history --rules patterns --no-progress
fi
stage "all test stages passed"
