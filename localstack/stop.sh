#!/usr/bin/env bash
# Stops LocalStack and moto_server started by start.sh (by their pid files; each was started
# with setsid, so its process group is signalled). Tolerates emulators that are already stopped.
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
state="$here/.state"
quiet=0; [[ "${1:-}" == "--quiet" ]] && quiet=1

stop_one() { # stop_one NAME
    local pidfile="$state/$1.pid" pid
    [[ -f "$pidfile" ]] || return 0
    pid="$(cat "$pidfile")"
    if [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null; then
        kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null
        for _ in $(seq 1 50); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.2
        done
        if kill -0 "$pid" 2>/dev/null; then
            kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null
        fi
        (( quiet )) || echo "stop: stopped $1 (pid $pid)"
    else
        (( quiet )) || echo "stop: $1 was not running"
    fi
    rm -f "$pidfile"
}

stop_one localstack
stop_one moto
exit 0
