#!/usr/bin/env bash
# Starts / stops the benchmark's own emulator pair, on ports that do not collide with the test
# suite's (LocalStack 4566, moto 5000, fault proxy 4597-4599):
#
#   benches/emulators.sh start     LocalStack on 127.0.0.1:$BENCH_LS_PORT (4610), moto on 127.0.0.1:$BENCH_MOTO_PORT (5010)
#   benches/emulators.sh stop      stops what `start` started (pid files, process groups)
#
# Same way as localstack/start.sh (same virtualenvs, same LocalStack settings), but with empty
# state under $BENCH_STATE (default /tmp/posture-bench). Run localstack/setup.sh first if the
# virtualenvs are missing.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venvs="$here/../localstack"
state="${BENCH_STATE:-/tmp/posture-bench}"
ls_port="${BENCH_LS_PORT:-4610}"
moto_port="${BENCH_MOTO_PORT:-5010}"
timeout="${POSTURE_EMULATOR_TIMEOUT:-60}"

stop_one() { # stop_one NAME
    local pidfile="$state/$1.pid" pid
    [[ -f "$pidfile" ]] || return 0
    pid="$(cat "$pidfile")"
    if [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null; then
        kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
        for _ in $(seq 1 50); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.2
        done
        if kill -0 "$pid" 2>/dev/null; then
            kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
        fi
    fi
    rm -f "$pidfile"
}

stop_all() {
    stop_one proxy
    stop_one localstack
    stop_one moto
}

port_busy() { ss -Hltn "sport = :$1" | grep -q .; }

start() {
    for v in .venv-localstack .venv-moto; do
        [[ -x "$venvs/$v/bin/python" ]] || { echo "emulators: $venvs/$v missing; run localstack/setup.sh first" >&2; exit 1; }
    done
    stop_all
    for p in "$ls_port" "$moto_port"; do
        if port_busy "$p"; then
            echo "emulators: port $p is already in use:" >&2
            ss -Hltnp "sport = :$p" >&2
            exit 1
        fi
    done
    rm -rf "$state/localstack"
    mkdir -p "$state/localstack"
    local clean_env=(env -u AWS_PROFILE -u AWS_SESSION_TOKEN -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY
                     -u AWS_ENDPOINT_URL -u AWS_ENDPOINT_URL_ORGANIZATIONS -u AWS_CONFIG_FILE
                     -u AWS_SHARED_CREDENTIALS_FILE)
    # As localstack/start.sh: hypercorn (the default server binds 0.0.0.0), ACM certificates
    # issued at once (MOTO_ACM_VALIDATION_WAIT=0).
    setsid "${clean_env[@]}" \
        GATEWAY_LISTEN="127.0.0.1:$ls_port" GATEWAY_SERVER=hypercorn DNS_ADDRESS=0 DISABLE_EVENTS=1 \
        SKIP_SSL_CERT_DOWNLOAD=1 FILESYSTEM_ROOT="$state/localstack" LOCALSTACK_HOST="127.0.0.1:$ls_port" \
        MOTO_ACM_VALIDATION_WAIT=0 MOTO_EC2_LOAD_DEFAULT_AMIS=false \
        "$venvs/.venv-localstack/bin/python" -m localstack.runtime.main \
        >"$state/localstack.log" 2>&1 </dev/null &
    echo $! >"$state/localstack.pid"
    setsid "${clean_env[@]}" \
        "$venvs/.venv-moto/bin/moto_server" -H 127.0.0.1 -p "$moto_port" \
        >"$state/moto.log" 2>&1 </dev/null &
    echo $! >"$state/moto.pid"

    local ls_ready=0 moto_ready=0 deadline=$((SECONDS + timeout))
    while (( SECONDS < deadline )); do
        if (( !ls_ready )) && curl -fsS -m 2 "http://127.0.0.1:$ls_port/_localstack/health" 2>/dev/null | grep -q '"services"'; then
            ls_ready=1
        fi
        if (( !moto_ready )) && curl -fsS -m 2 -o /dev/null "http://127.0.0.1:$moto_port/moto-api/" 2>/dev/null; then
            moto_ready=1
        fi
        (( ls_ready && moto_ready )) && break
        for n in localstack moto; do
            kill -0 "$(cat "$state/$n.pid")" 2>/dev/null || { echo "emulators: $n exited; log:" >&2; tail -n 30 "$state/$n.log" >&2; stop_all; exit 1; }
        done
        sleep 0.3
    done
    if (( !ls_ready || !moto_ready )); then
        echo "emulators: not ready within ${timeout}s (LocalStack $ls_ready, moto $moto_ready); logs in $state" >&2
        stop_all
        exit 1
    fi
    if ss -Hltn | awk '{print $4}' | grep -E "^(0\.0\.0\.0|\*|\[::\]):($ls_port|$moto_port)\$" >/dev/null; then
        echo "emulators: an emulator listens on a wildcard address" >&2
        stop_all
        exit 1
    fi
    echo "emulators: LocalStack http://127.0.0.1:$ls_port (pid $(cat "$state/localstack.pid")), moto http://127.0.0.1:$moto_port (pid $(cat "$state/moto.pid")); logs in $state"
}

# start_proxy DELAY_MS [ARGS...]: the fault proxy in front of LocalStack, adding DELAY_MS to every
# request; further ARGS go to tests/faultproxy.py (e.g. --quotas).
start_proxy() {
    local delay="$1" port="${BENCH_PROXY_PORT:-4611}"
    shift
    stop_one proxy
    if port_busy "$port"; then
        echo "emulators: port $port is already in use" >&2
        exit 1
    fi
    setsid "$venvs/.venv-moto/bin/python" "$here/../tests/faultproxy.py" --delay-ms "$delay" \
        --listen "127.0.0.1:$port" --upstream "http://127.0.0.1:$ls_port" "$@" \
        >"$state/proxy.log" 2>&1 </dev/null &
    echo $! >"$state/proxy.pid"
    for _ in $(seq 1 50); do
        curl -fsS -m 2 -o /dev/null "http://127.0.0.1:$port/__faultproxy/stats" 2>/dev/null && { echo "emulators: fault proxy http://127.0.0.1:$port (+${delay} ms${*:+, $*}) -> LocalStack"; return 0; }
        sleep 0.2
    done
    echo "emulators: fault proxy did not start; log:" >&2
    tail -n 20 "$state/proxy.log" >&2
    stop_one proxy
    exit 1
}

mkdir -p "$state"
case "${1:-}" in
    start) start ;;
    stop) stop_all ;;
    proxy) start_proxy "${2:-50}" "${@:3}" ;;
    stop-proxy) stop_one proxy ;;
    *) echo "usage: $0 start|stop|proxy DELAY_MS [FAULTPROXY ARGS...]|stop-proxy" >&2; exit 2 ;;
esac
