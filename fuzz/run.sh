#!/usr/bin/env bash
# Builds the libFuzzer targets of fuzz/ with clang (-fsanitize=fuzzer,address,undefined) and runs
# each for a bounded time, starting from the committed seed corpus. Fails on any crash, leak,
# sanitizer report or timeout (libFuzzer's exit status), and prints the executions per target.
#   fuzz/run.sh [seconds per target, default 60]
# Needs clang++ (14 or later) with its runtime (Debian: clang-14 libclang-rt-14-dev).
# Findings are written to build/fuzz/findings/; new inputs go to build/fuzz/corpus/ (the
# committed corpus in fuzz/corpus/ is only read).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

seconds=${1:-60}
cxx=${FUZZ_CXX:-$(command -v clang++-14 || command -v clang++ || true)}
if [[ -z $cxx ]]; then
  echo "fuzz/run.sh: clang++ not found (Debian: apt-get install clang-14 libclang-rt-14-dev)" >&2
  exit 1
fi
eigen=$(pkg-config --cflags eigen3 2>/dev/null || echo -I/usr/include/eigen3)
out=build/fuzz
mkdir -p "$out/findings"

targets=(svmlight solve)
for target in "${targets[@]}"; do
  echo "== fuzz: building ${target}_fuzzer with $cxx"
  # shellcheck disable=SC2086
  "$cxx" -std=c++20 -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
    -fno-omit-frame-pointer -Iinclude $eigen "fuzz/${target}_fuzzer.cpp" -o "$out/${target}_fuzzer"
done

export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:halt_on_error=1"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"
failed=0
for target in "${targets[@]}"; do
  corpus="$out/corpus/$target"
  mkdir -p "$corpus"
  echo "== fuzz: ${target}_fuzzer for ${seconds} s"
  log="$out/${target}.log"
  status=0
  "$out/${target}_fuzzer" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=4096 \
    -print_final_stats=1 -artifact_prefix="$out/findings/${target}-" \
    "$corpus" "fuzz/corpus/$target" >"$log" 2>&1 || status=$?
  runs=$(grep -Eo 'stat::number_of_executed_units: *[0-9]+' "$log" | grep -Eo '[0-9]+$' || echo '?')
  if ((status != 0)); then
    tail -n 60 "$log" >&2
    echo "fuzz: ${target}_fuzzer FAILED (exit $status) after $runs executions; see $log and $out/findings/" >&2
    failed=1
  else
    echo "fuzz: ${target}_fuzzer: $runs executions in ${seconds} s, no crash, leak, sanitizer report or timeout"
  fi
done
exit "$failed"
