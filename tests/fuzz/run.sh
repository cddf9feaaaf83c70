#!/bin/sh
# Fuzz smoke: the libFuzzer targets (src/*/*_fuzz.cc) come from the `sanitize` preset's
# build (clang, ASan, UBSan, coverage-instrumented libraries); each runs for a bounded time starting from the corpus kept in tests/fuzz/corpus/<name>.
# Any crash, leak, sanitizer report or timeout fails the run and leaves the reproducer in
# $FUZZ_WORK/<name>/artifacts.
#
#   tests/fuzz/run.sh                 every target, FUZZ_SECONDS (default 60) each: the long run
#   FUZZ_SECONDS=6 FUZZ_JOBS=2 tests/fuzz/run.sh   the smoke run tests/run.sh does
#   tests/fuzz/run.sh matcher         one target
#   FUZZ_MERGE=1 tests/fuzz/run.sh    also fold new coverage back into tests/fuzz/corpus
set -eu
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
build=$src/build-asan
seconds=${FUZZ_SECONDS:-60}
work=${FUZZ_WORK:-$(mktemp -d /tmp/keyward-fuzz.XXXXXX)}

command -v clang++ >/dev/null || { echo "fuzz: clang++ is required (apt-get install clang libclang-rt-14-dev)" >&2; exit 2; }
targets=${*:-$(cd "$src/src" && ls */*_fuzz.cc | sed 's|.*/||; s/_fuzz\.cc$//')}
if [ ! -x "$build/${targets%% *}_fuzz" ]; then
  (cd "$src" && cmake --preset sanitize >/dev/null && cmake --build --preset sanitize)
fi

export KEYWARD_RULES="${KEYWARD_RULES:-$src/patterns}"
export KEYWARD_CACHE_DIR="$work/cache"
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
# The matcher target loads every rule: compile them into the cache once, outside the clock.
"$build/matcher_fuzz" -runs=0 "$here/corpus/matcher" >/dev/null 2>&1 || true

# One target: run it, report its last stats line, or why it failed. FUZZ_JOBS targets run
# side by side (each libFuzzer process is single-threaded).
fuzz_one() {
  t=$1
  mkdir -p "$work/$t/corpus" "$work/$t/artifacts"
  seeds="$here/corpus/$t"
  [ -d "$seeds" ] || mkdir -p "$seeds"
  echo "fuzz: $t for ${seconds}s (log: $work/$t/log)"
  if "$build/${t}_fuzz" -max_total_time="$seconds" -timeout=25 -rss_limit_mb=4096 -max_len=65536 \
       -print_final_stats=1 -artifact_prefix="$work/$t/artifacts/" \
       "$work/$t/corpus" "$seeds" >"$work/$t/log" 2>&1; then
    grep -E "^stat::number_of_executed_units|^#[0-9]+.*DONE" "$work/$t/log" | tail -1 | sed "s/^/fuzz: $t: /"
  else
    echo "fuzz: $t FAILED; reproducer and log in $work/$t" >&2
    grep -E "ERROR:|SUMMARY:|runtime error" "$work/$t/log" | head -5 >&2
    return 1
  fi
  if [ "${FUZZ_MERGE:-0}" = 1 ]; then
    "$build/${t}_fuzz" -merge=1 "$seeds" "$work/$t/corpus" >/dev/null 2>&1 || true
  fi
}

status=0
jobs=${FUZZ_JOBS:-1}
pids=""
running=0
for t in $targets; do
  fuzz_one "$t" &
  pids="$pids $!"
  running=$((running + 1))
  if [ "$running" -ge "$jobs" ]; then
    for p in $pids; do wait "$p" || status=1; done
    pids=""
    running=0
  fi
done
for p in $pids; do wait "$p" || status=1; done
exit $status
