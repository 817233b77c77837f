#!/usr/bin/env bash
# Fuzzing at depth: the policy engine's and the credential-report parser's property tests
# (crates/core/src/policy/fuzz_tests.rs, crates/core/src/inventory/fuzz_tests.rs) with many cases each, outside the normal
# test run. Prints the number of cases, the wall time and the rate.
#
#   tests/fuzz-deep.sh [TOTAL_CASES]      default 10000000, split evenly over the property tests
#
# The cases run in rounds (CHUNK cases per property test per round, each round with fresh random
# seeds), and the running total is printed after every round, so an interrupted campaign still
# says how many cases passed.
#
# Environment: PROFILE (default "fuzz": optimised, with overflow checks and debug assertions, see
# Cargo.toml; "test" skips the optimised build), THREADS (test threads, default 2), CHUNK (cases per
# property test per round, default 100000). Run it at low priority on a shared machine:
#   nice -n 19 tests/fuzz-deep.sh
set -euo pipefail
cd "$(dirname "$0")/.."

total=${1:-10000000}
profile=${PROFILE:-fuzz}
threads=${THREADS:-2}
chunk=${CHUNK:-100000}
filter=fuzz_tests::

# Build first so that the wall time below is the fuzzing alone.
cargo test -p posture-core --lib --profile "$profile" --no-run --quiet
names=$(cargo test -p posture-core --lib --profile "$profile" --quiet -- "$filter" --list 2>/dev/null | sed -n 's/: test$//p')
count=$(printf '%s\n' "$names" | grep -c . || true)
if [ "$count" -eq 0 ]; then
    echo "no property tests matched $filter" >&2
    exit 1
fi
per_test=$(( (total + count - 1) / count ))
echo "fuzz-deep: $count property tests x $per_test cases = $(( per_test * count )) cases (profile $profile, $threads threads, rounds of $chunk per test)"
printf '  %s\n' $names

start=$(date +%s)
done_per_test=0
while [ "$done_per_test" -lt "$per_test" ]; do
    n=$(( per_test - done_per_test < chunk ? per_test - done_per_test : chunk ))
    if ! POSTURE_FUZZ_CASES=$n cargo test -p posture-core --lib --profile "$profile" --quiet -- "$filter" --test-threads="$threads"; then
        echo "fuzz-deep: a property test failed after $(( done_per_test * count )) cases in earlier rounds (see above)" >&2
        exit 1
    fi
    done_per_test=$(( done_per_test + n ))
    wall=$(( $(date +%s) - start ))
    cases=$(( done_per_test * count ))
    echo "fuzz-deep: $cases cases passed in ${wall}s ($(( wall > 0 ? cases / wall : cases )) cases/s)"
done
