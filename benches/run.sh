#!/usr/bin/env bash
# The posture benchmark, in one command:
#
#   benches/run.sh [--accounts 10] [--regions us-east-1] [--latency-ms 50] [--repeat 3] [--prowler]
#                  [--posture BIN] [--prowler-parallel 8] [--prowler-repeat N] [--prowler-parallel-only]
#                  [--prowler-sample K] [--skip-latency] [--quota-apis 20] [--quota-resources 10] [--quota-only]
#                  [--quota-baseline BIN]
#
# 1. starts its own LocalStack (127.0.0.1:4610) and moto (127.0.0.1:5010) with empty state under
#    $BENCH_STATE (default /tmp/posture-bench); ports that the test suite does not use
# 2. seeds an organization of N member accounts (benches/seed_org.py), the regional workload in
#    every region of --regions (comma-separated)
# 3. posture scan --org, --repeat times: wall time and peak RSS (GNU time -v), API calls
#    (scan.api_calls of the JSON result), resources (the saved inventory)
# 4. the emulator's floor: its throughput for cheap calls, 1 and 8 threads
# 5. posture through tests/faultproxy.py adding --latency-ms to every LocalStack call
#    (127.0.0.1:4611; Organizations stays direct on moto)
# 5b. the API Gateway quota account (--quota-apis REST APIs x --quota-resources resources, outside
#    the organization) scanned on its own through tests/faultproxy.py --quotas, which enforces
#    AWS's published control-plane quotas: paced (the default) and with --api-pace off; wall time
#    against the quota floor, throttled responses (--quota-apis 0 skips it; --quota-only runs
#    only this, after seeding; --quota-baseline BIN adds a column for another posture binary,
#    e.g. a build of the commit before pacing, run with its defaults)
# 6. with --prowler: Prowler (PyPI, pinned, in benches/.venv-prowler) one process per account,
#    the corresponding checks only, sequentially and --prowler-parallel at a time; with
#    --prowler-sample K on only the first K member accounts (by id), extrapolated to all accounts
# 7. a markdown table of medians; raw numbers in $BENCH_STATE/bench-results.json
#
# The posture binary defaults to a private copy of target/debug/posture (copied to
# $BENCH_STATE/posture at start, so a rebuild does not change it mid-run); pass --posture
# target/release/posture for release numbers. Emulators and proxy are stopped on exit.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
export BENCH_STATE="${BENCH_STATE:-/tmp/posture-bench}"
export BENCH_LS_PORT="${BENCH_LS_PORT:-4610}" BENCH_MOTO_PORT="${BENCH_MOTO_PORT:-5010}" BENCH_PROXY_PORT="${BENCH_PROXY_PORT:-4611}"
PROWLER_VERSION=5.46.0

accounts=10 regions=us-east-1 latency=50 repeat=3 prowler=0 posture="" par=8 prowler_repeat="" skip_latency=0 par_only=() sample=0
quota_apis=20 quota_resources=10 quota_only=0 quota_baseline=()
while (( $# )); do
    case "$1" in
        --accounts) accounts="$2"; shift 2 ;;
        --regions) regions="$2"; shift 2 ;;
        --latency-ms) latency="$2"; shift 2 ;;
        --repeat) repeat="$2"; shift 2 ;;
        --prowler) prowler=1; shift ;;
        --prowler-parallel) par="$2"; shift 2 ;;
        --prowler-repeat) prowler_repeat="$2"; shift 2 ;;
        --posture) posture="$2"; shift 2 ;;
        --skip-latency) skip_latency=1; shift ;;
        --prowler-parallel-only) par_only=(--prowler-parallel-only); shift ;;
        --prowler-sample) sample="$2"; shift 2 ;;
        --quota-apis) quota_apis="$2"; shift 2 ;;
        --quota-resources) quota_resources="$2"; shift 2 ;;
        --quota-only) quota_only=1; shift ;;
        --quota-baseline) quota_baseline=(--quota-baseline "$(cd "$(dirname "$2")" && pwd)/$(basename "$2")"); shift 2 ;;
        -h|--help) sed -n '2,30p' "$0"; exit 0 ;;
        *) echo "run.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
    esac
done
[[ "$accounts" =~ ^[0-9]+$ ]] && (( accounts >= 1 && accounts <= 1000 )) || { echo "run.sh: --accounts 1..1000" >&2; exit 2; }
[[ "$latency" =~ ^[0-9]+$ ]] && (( latency <= 2000 )) || { echo "run.sh: --latency-ms 0..2000" >&2; exit 2; }
[[ "$repeat" =~ ^[1-9]$ ]] || { echo "run.sh: --repeat 1..9" >&2; exit 2; }
[[ "$sample" =~ ^[0-9]+$ ]] && (( sample <= 1000 )) || { echo "run.sh: --prowler-sample 0..1000 (0 = all accounts)" >&2; exit 2; }
[[ "$regions" =~ ^[a-z0-9-]+(,[a-z0-9-]+)*$ ]] || { echo "run.sh: --regions: comma-separated region names, e.g. us-east-1,eu-west-1" >&2; exit 2; }
[[ "$quota_apis" =~ ^[0-9]+$ ]] && (( quota_apis <= 600 )) || { echo "run.sh: --quota-apis 0..600" >&2; exit 2; }
[[ "$quota_resources" =~ ^[0-9]+$ ]] && (( quota_resources >= 1 && quota_resources <= 300 )) || { echo "run.sh: --quota-resources 1..300" >&2; exit 2; }
(( quota_only && !quota_apis )) && { echo "run.sh: --quota-only needs --quota-apis > 0" >&2; exit 2; }
prowler_repeat="${prowler_repeat:-$repeat}"

mkdir -p "$BENCH_STATE"
(( quota_only )) && rm -f "$BENCH_STATE/bench-results.json"
py="$root/localstack/.venv-moto/bin/python"
if [[ ! -x "$py" || ! -x "$root/localstack/.venv-localstack/bin/python" ]]; then
    echo "run.sh: creating the emulator virtualenvs (localstack/setup.sh)"
    "$root/localstack/setup.sh"
fi

# GNU time for wall time and peak RSS (Debian package `time`).
if ! /usr/bin/time -v true >/dev/null 2>&1; then
    if [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null; then
        echo "run.sh: installing GNU time (apt-get install time)"
        apt-get install -y -qq time >/dev/null 2>&1 || { apt-get update -qq >/dev/null && apt-get install -y -qq time >/dev/null; }
    else
        echo "run.sh: /usr/bin/time (GNU time) is missing; install the Debian package 'time'" >&2
        exit 1
    fi
fi

if [[ -z "$posture" ]]; then
    [[ -x "$root/target/debug/posture" ]] || { echo "run.sh: $root/target/debug/posture missing: cargo build first, or pass --posture BIN" >&2; exit 1; }
    cp "$root/target/debug/posture" "$BENCH_STATE/posture"
    posture="$BENCH_STATE/posture"
fi
posture="$(cd "$(dirname "$posture")" && pwd)/$(basename "$posture")"
build="$(case "$posture" in *release*) echo release ;; *debug*) echo debug ;; *) echo "unknown (not under target/release or target/debug)" ;; esac)"

# Prowler (PyPI, pinned) in its own virtualenv; installed before the emulators start.
install_prowler() {
    local venv="$here/.venv-prowler" have pybin c
    have="$("$venv/bin/python" -c 'import importlib.metadata as m; print(m.version("prowler"))' 2>/dev/null || true)"
    if [[ ! -x "$venv/bin/prowler" || "$have" != "$PROWLER_VERSION" ]]; then
        # Prowler 5.x supports Python >= 3.9.1 and < 3.13; pyenv shims on PATH may not run, so
        # every candidate is tried.
        pybin=""
        for c in /root/.pyenv/versions/3.12*/bin/python3 /root/.pyenv/versions/3.11*/bin/python3 \
                 /root/.pyenv/versions/3.10*/bin/python3 python3.12 python3.11 python3.10 python3; do
            if "$c" -c 'import sys; sys.exit(not ((3, 10) <= sys.version_info[:2] < (3, 13)))' >/dev/null 2>&1; then
                pybin="$c"; break
            fi
        done
        if [[ -z "$pybin" ]]; then
            echo "run.sh: no Python 3.10-3.12 for Prowler (python3.1[012] on PATH or /root/.pyenv/versions/3.1[012]*)" >&2
        else
            echo "run.sh: installing prowler==$PROWLER_VERSION into $venv with $pybin (a few minutes, ~2 GB)"
            rm -rf "$venv"
            "$pybin" -m venv "$venv"
            "$venv/bin/python" -m pip install -q "prowler==$PROWLER_VERSION" >"$BENCH_STATE/prowler-install.log" 2>&1 \
                || echo "run.sh: pip install prowler==$PROWLER_VERSION failed; see $BENCH_STATE/prowler-install.log" >&2
        fi
    fi
}

(( prowler )) && install_prowler

cleanup() { "$here/emulators.sh" stop || true; }
trap cleanup EXIT
trap 'exit 130' INT TERM

ls_url="http://127.0.0.1:$BENCH_LS_PORT" moto_url="http://127.0.0.1:$BENCH_MOTO_PORT" proxy_url="http://127.0.0.1:$BENCH_PROXY_PORT"
m=("$py" "$here/measure.py" --posture "$posture" --state "$BENCH_STATE" --org-json "$BENCH_STATE/org.json"
   --localstack "$ls_url" --moto "$moto_url" --regions "$regions" --repeat "$repeat" --latency-ms "$latency" --build "$build")

echo "run.sh: posture binary $posture ($build); $accounts accounts; regions $regions; $(nproc) cores; load $(cut -d' ' -f1-3 /proc/loadavg)"
"$here/emulators.sh" start
"$py" "$here/seed_org.py" --accounts "$accounts" --localstack "$ls_url" --moto "$moto_url" \
    --regions "$regions" --out "$BENCH_STATE/org.json" --quota-apis "$quota_apis" --quota-resources "$quota_resources"

if (( !quota_only )); then
    "${m[@]}" --step posture
    "${m[@]}" --step floor
    if (( !skip_latency )); then
        "$here/emulators.sh" proxy "$latency"
        "${m[@]}" --step latency --proxy "$proxy_url"
        "$here/emulators.sh" stop-proxy
    fi
fi
if (( quota_apis )); then
    "$here/emulators.sh" proxy 0 --quotas
    "${m[@]}" --step quota --quota-proxy "$proxy_url" "${quota_baseline[@]}"
    "$here/emulators.sh" stop-proxy
fi

if (( prowler )); then
    # A proxy at 0 ms only counts Prowler's API calls for one account.
    "$here/emulators.sh" proxy 0
    "${m[@]}" --step prowler --count-proxy "$proxy_url" --prowler-parallel "$par" --prowler-repeat "$prowler_repeat" \
        --prowler-sample "$sample" "${par_only[@]}"
    "$here/emulators.sh" stop-proxy
fi

"${m[@]}" --step report
echo
echo "raw numbers: $BENCH_STATE/bench-results.json; logs: $BENCH_STATE"
