#!/usr/bin/env bash
# Creates the two virtualenvs the emulated organization needs (idempotent):
#   localstack/.venv-localstack  LocalStack community (needs Python >= 3.12)
#   localstack/.venv-moto        moto server (Organizations) + boto3/cryptography for seed.py
# A marker file in each venv holds the hash of its requirements file; when it matches and the
# venv's python still runs, the venv is left alone.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

# Prints the first interpreter that really runs and is >= 3.12 (pyenv shims named python3.12
# exist on PATH but fail when that version is not selected, so every candidate is executed).
find_python312() {
    local c
    for c in python3.13 python3.12 /root/.pyenv/versions/3.13*/bin/python3 /root/.pyenv/versions/3.12*/bin/python3; do
        if command -v "$c" >/dev/null 2>&1 && \
           "$c" -c 'import sys, venv; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1; then
            command -v "$c"
            return 0
        fi
    done
    return 1
}

find_python3() {
    local c
    for c in python3 /usr/bin/python3; do
        if command -v "$c" >/dev/null 2>&1 && \
           "$c" -c 'import sys, venv; sys.exit(0 if sys.version_info >= (3, 9) else 1)' >/dev/null 2>&1; then
            command -v "$c"
            return 0
        fi
    done
    return 1
}

# make_venv NAME PYTHON REQUIREMENTS
make_venv() {
    local venv="$here/$1" py="$2" req="$here/$3"
    local hash marker="$here/$1/.requirements.sha256"
    hash="$( (sha256sum "$req"; "$py" -c 'import sys; print(sys.version)') | sha256sum | cut -d' ' -f1)"
    if [[ -f "$marker" && "$(cat "$marker")" == "$hash" ]] && "$venv/bin/python" -c 'pass' 2>/dev/null; then
        echo "setup: $1 is up to date"
        return 0
    fi
    echo "setup: creating $1 with $("$py" -c 'import sys; print(sys.executable, sys.version.split()[0])')"
    rm -rf "$venv"
    "$py" -m venv "$venv"
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip
    if ! "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$req"; then
        echo "setup: pip install -r $req failed" >&2
        rm -rf "$venv"
        return 1
    fi
    echo "$hash" > "$marker"
}

py312="$(find_python312)" || {
    cat >&2 <<'MSG'
setup: LocalStack needs Python >= 3.12 and none was found.
       Looked for python3.13, python3.12 on PATH and /root/.pyenv/versions/3.1[23]*/bin/python3.
       Install one, for example `pyenv install 3.12` (or 3.13), or the distribution's
       python3.12/python3.13 package with its venv module (python3.1x-venv on Debian/Ubuntu).
MSG
    exit 1
}
py3="$(find_python3)" || { echo "setup: no python3 (>= 3.9) with the venv module found; install python3 and python3-venv" >&2; exit 1; }

make_venv .venv-localstack "$py312" requirements-localstack.txt
make_venv .venv-moto "$py3" requirements-moto.txt
