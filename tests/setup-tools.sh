#!/usr/bin/env bash
# Creates .venv-tools (idempotent): jsonschema and botocore from PyPI (tests/requirements-tools.txt)
# for the validators in tests/ (JSON output schema, OCSF 1.8.0, ASFF). The schemas themselves are
# in the repository (reports/, tests/schemas/ocsf-1.8.0/; the ASFF model comes with botocore).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
req="$root/tests/requirements-tools.txt"
venv="$root/.venv-tools"
hash="$(sha256sum "$req" | cut -d' ' -f1)"
if [[ -f "$venv/.requirements.sha256" && "$(cat "$venv/.requirements.sha256")" == "$hash" ]] \
    && "$venv/bin/python" -c 'import jsonschema, botocore' 2>/dev/null; then
    exit 0
fi
echo "setup-tools: creating .venv-tools"
rm -rf "$venv"
python3 -m venv "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check --only-binary=:all: -r "$req"
echo "$hash" > "$venv/.requirements.sha256"
