#!/usr/bin/env bash
# The demo in one command: build posture, install the emulators (once), start them with fresh state, seed the
# emulated AWS Organization, then scan it with posture. Extra arguments go to `posture scan`.
#   localstack/demo.sh [--format json ...]
# The emulators keep running afterwards; localstack/stop.sh stops them.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(dirname "$here")"
mkdir -p "$here/.state"

run_step() { # run_step N LABEL LOG COMMAND...
    local n="$1" label="$2" log="$here/.state/$3"
    shift 3
    echo "demo: [$n/5] $label"
    if ! "$@" >"$log" 2>&1; then
        echo "demo: step $n failed ($label); last lines of $log:" >&2
        tail -n 25 "$log" >&2
        exit 1
    fi
}

# Step 1 builds posture on its own, with cargo's progress, so a cold machine shows what it does;
# the scan (step 5) starts only once the binary exists.
target="${CARGO_TARGET_DIR:-$repo/target}"
bin="$target/debug/posture"
if [[ -x "$bin" ]]; then
    echo "demo: [1/5] building posture (cargo build; already built: checking for changes)"
else
    echo "demo: [1/5] building posture (cargo build): a first build compiles the AWS SDK,"
    echo "demo:       about 5-10 minutes on two cores; progress below"
fi
start=$SECONDS
(cd "$repo" && cargo build --bin posture)
[[ -x "$bin" ]] || { echo "demo: cargo build finished but $bin is missing" >&2; exit 1; }
echo "demo:       built in $((SECONDS - start)) s: $bin"

run_step 2 "installing LocalStack and moto into localstack/.venv-* (first run: about a minute)" demo-setup.log \
    "$here/setup.sh"
run_step 3 "starting LocalStack (127.0.0.1:4566) and moto (127.0.0.1:5000: Organizations, STS, security services) with empty state" demo-start.log \
    "$here/start.sh"
run_step 4 "seeding the organization: 5 member accounts, app-hardened and app-misconfigured workloads, security-services backbone (20-60 s)" demo-seed.log \
    "$here/.venv-moto/bin/python" "$here/seed.py"
grep '^seed:   ' "$here/.state/demo-seed.log" | sed 's/^seed:   /demo:       /' || true

echo "demo: [5/5] scanning: posture scan --org --regions us-east-1,eu-west-1 $*"
cd "$repo"
# shellcheck source=localstack/env.sh
. "$here/env.sh"
exec "$bin" scan --org --regions us-east-1,eu-west-1 "$@"
