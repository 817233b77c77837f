#!/usr/bin/env bash
# The demo in one command: install the emulators (once), start them with fresh state, seed the
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
    echo "demo: [$n/4] $label"
    if ! "$@" >"$log" 2>&1; then
        echo "demo: step $n failed ($label); last lines of $log:" >&2
        tail -n 25 "$log" >&2
        exit 1
    fi
}

run_step 1 "installing LocalStack and moto into localstack/.venv-* (first run: about a minute)" demo-setup.log \
    "$here/setup.sh"
run_step 2 "starting LocalStack (127.0.0.1:4566) and moto (127.0.0.1:5000) with empty state" demo-start.log \
    "$here/start.sh"
run_step 3 "seeding the organization: 5 member accounts, app-hardened and app-misconfigured workloads" demo-seed.log \
    "$here/.venv-moto/bin/python" "$here/seed.py"
grep '^seed:   ' "$here/.state/demo-seed.log" | sed 's/^seed:   /demo:       /' || true

echo "demo: [4/4] scanning: posture scan --org --regions us-east-1,eu-west-1 $*"
cd "$repo"
# shellcheck source=localstack/env.sh
. "$here/env.sh"
exec cargo run --quiet -- scan --org --regions us-east-1,eu-west-1 "$@"
