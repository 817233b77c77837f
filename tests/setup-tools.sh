#!/usr/bin/env bash
# Creates .venv-tools (idempotent): the Python validators from ../shared/tools (OCSF, ASFF) and
# jsonschema, used by the test suite to validate posture's JSON output against reports/.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
req="$root/../shared/tools/requirements.txt"
venv="$root/.venv-tools"
if [[ ! -f "$req" ]]; then
    echo "setup-tools: $req not found: the shared/ folder must sit beside this repository" >&2
    exit 1
fi
hash="$(sha256sum "$req" | cut -d' ' -f1)"
if [[ -f "$venv/.requirements.sha256" && "$(cat "$venv/.requirements.sha256")" == "$hash" ]] && "$venv/bin/python" -c 'import jsonschema' 2>/dev/null; then
    exit 0
fi
echo "setup-tools: creating .venv-tools"
rm -rf "$venv"
python3 -m venv "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check -r "$req"
echo "$hash" > "$venv/.requirements.sha256"
