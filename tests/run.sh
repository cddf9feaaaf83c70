#!/usr/bin/env bash
# The whole test suite, from a fresh clone on a fresh Debian/Ubuntu machine:
#   1. the packages (build and test ones) when missing,
#   2. a Release build with -Werror, then every test through ctest (unit tests, every
#      rule's examples, integration tests with real git, the real hook, real pre-commit),
#   3. the suite again under AddressSanitizer + UndefinedBehaviorSanitizer (tests/sanitize.sh),
#   4. a short, bounded fuzzing run of every libFuzzer target (tests/fuzz/run.sh),
#   5. keyward's own --all-history sweep of this repository, which must find nothing.
# Stages can be skipped: KEYWARD_SKIP_SANITIZE=1, KEYWARD_SKIP_FUZZ=1.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$(pwd)"
jobs="$(nproc 2>/dev/null || echo 2)"

./install.sh --deps-only --test-deps

echo "== release build and tests"
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DKEYWARD_WERROR=ON -DBUILD_TESTING=ON >/dev/null
ninja -C build
# A private cache so the suite never reads a stale database from a developer's home.
export KEYWARD_CACHE_DIR="$root/build/test-cache"
ctest --test-dir build -j "$jobs" --output-on-failure --timeout 900

if [ "${KEYWARD_SKIP_SANITIZE:-0}" != 1 ]; then
  echo "== sanitizer build (ASan + UBSan) and tests"
  # Everything but two tests that measure rather than exercise: every rule's examples (the
  # release run checks them; under ASan it is 20 minutes of Hyperscan compiling) and the
  # linear-time check (its ratios mean nothing under instrumentation).
  tests/sanitize.sh -E "^rules\.examples$|linear time" --timeout 1800
fi

if [ "${KEYWARD_SKIP_FUZZ:-0}" != 1 ] && [ -x tests/fuzz/run.sh ]; then
  echo "== fuzz smoke"
  tests/fuzz/run.sh
fi

if [ -d .git ]; then
  echo "== self-check: keyward --all-history on this repository"
  ./build/keyward --all-history --rules patterns --no-progress
fi
echo "== all test stages passed"
