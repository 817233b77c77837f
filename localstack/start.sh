#!/usr/bin/env bash
# Starts LocalStack (127.0.0.1:4566) and moto_server (127.0.0.1:5000) in the background with
# fresh state. When they are already running (pid files), they are stopped first: seed.py
# assumes empty emulators. State and logs live in localstack/.state/.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
state="$here/.state"
timeout="${POSTURE_EMULATOR_TIMEOUT:-60}"

for v in .venv-localstack .venv-moto; do
    [[ -x "$here/$v/bin/python" ]] || { echo "start: $here/$v missing; run localstack/setup.sh first" >&2; exit 1; }
done

"$here/stop.sh" --quiet

port_busy() { ss -Hltn "sport = :$1" | grep -q .; }
for p in 4566 5000; do
    if port_busy "$p"; then
        echo "start: port $p is already in use by a process that start.sh did not start:" >&2
        ss -Hltnp "sport = :$p" >&2
        exit 1
    fi
done

rm -rf "$state/localstack" "$state/org.json"
mkdir -p "$state/localstack"

# The emulators must not pick up the caller's AWS configuration (every AWS_ENDPOINT_URL* too).
clean_env=(env -u AWS_PROFILE -u AWS_SESSION_TOKEN -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY
           -u AWS_CONFIG_FILE -u AWS_SHARED_CREDENTIALS_FILE)
for v in $(compgen -e); do
    [[ "$v" == AWS_ENDPOINT_URL* ]] && clean_env+=(-u "$v")
done

# GATEWAY_SERVER=hypercorn: the default server binds 0.0.0.0 whatever GATEWAY_LISTEN says.
# PARITY_AWS_ACCESS_KEY_ID=1: LocalStack reads the account from an AWS-shaped access key id
# (ASIA.../AKIA... encode it, as on AWS), so the AssumeRole keys that moto's STS issues act in the
# role's account in LocalStack as they do in moto. A 12-digit key id still selects that account.
# MOTO_ACM_VALIDATION_WAIT=0: LocalStack's ACM (moto inside) keeps a requested certificate in
# PENDING_VALIDATION, without NotAfter, for min(10, this) seconds; 0 makes it ISSUED at once.
setsid "${clean_env[@]}" \
    GATEWAY_LISTEN=127.0.0.1:4566 GATEWAY_SERVER=hypercorn DNS_ADDRESS=0 DISABLE_EVENTS=1 \
    SKIP_SSL_CERT_DOWNLOAD=1 FILESYSTEM_ROOT="$state/localstack" LOCALSTACK_HOST=127.0.0.1:4566 \
    MOTO_ACM_VALIDATION_WAIT=0 PARITY_AWS_ACCESS_KEY_ID=1 \
    "$here/.venv-localstack/bin/python" -m localstack.runtime.main \
    >"$state/localstack.log" 2>&1 </dev/null &
echo $! >"$state/localstack.pid"

# The request recorder (/moto-api/recorder/*, started by the end-to-end test around its scan)
# writes here rather than to ./moto_recording in the caller's directory.
setsid "${clean_env[@]}" MOTO_RECORDER_FILEPATH="$state/moto-recording.jsonl" \
    "$here/.venv-moto/bin/moto_server" -H 127.0.0.1 -p 5000 \
    >"$state/moto.log" 2>&1 </dev/null &
echo $! >"$state/moto.pid"

fail() { # fail NAME LOG
    echo "start: $1 did not become ready within ${timeout}s; last lines of $2:" >&2
    tail -n 30 "$2" >&2 || true
    "$here/stop.sh" --quiet || true
    exit 1
}

ls_ready=0 moto_ready=0
deadline=$((SECONDS + timeout))
while (( SECONDS < deadline )); do
    if (( !ls_ready )); then
        kill -0 "$(cat "$state/localstack.pid")" 2>/dev/null || fail LocalStack "$state/localstack.log"
        if curl -fsS -m 2 http://127.0.0.1:4566/_localstack/health 2>/dev/null | grep -q '"services"'; then
            ls_ready=1
        fi
    fi
    if (( !moto_ready )); then
        kill -0 "$(cat "$state/moto.pid")" 2>/dev/null || fail moto_server "$state/moto.log"
        if curl -fsS -m 2 -o /dev/null http://127.0.0.1:5000/moto-api/ 2>/dev/null; then
            moto_ready=1
        fi
    fi
    (( ls_ready && moto_ready )) && break
    sleep 0.3
done
(( ls_ready )) || fail LocalStack "$state/localstack.log"
(( moto_ready )) || fail moto_server "$state/moto.log"

# Both must listen on loopback only.
if ss -Hltn | awk '{print $4}' | grep -E '^(0\.0\.0\.0|\*|\[::\]):(4566|5000)$' >/dev/null; then
    echo "start: an emulator listens on a wildcard address:" >&2
    ss -Hltnp | grep -E ':(4566|5000) ' >&2
    "$here/stop.sh" --quiet || true
    exit 1
fi
echo "start: LocalStack on http://127.0.0.1:4566 (pid $(cat "$state/localstack.pid")), moto on http://127.0.0.1:5000 (pid $(cat "$state/moto.pid")); logs in $state"
