#!/usr/bin/env bash
# Lint every CloudFormation template in deploy/ with a pinned cfn-lint.
#
#   deploy/lint.sh            # create or reuse deploy/.venv-cfn-lint, lint, exit non-zero on any error or warning
#   PYTHON=python3.12 deploy/lint.sh
#
# The virtualenv is rebuilt only when the requirements below or the Python version change
# (a marker file in the venv holds their SHA-256). Needs python3 with the venv module and access to PyPI.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="$here/.venv-cfn-lint"
marker="$venv/.requirements.sha256"
python="${PYTHON:-python3}"

# Pinned: a newer cfn-lint ships new rules and schemas, which can turn a clean template red.
requirements='cfn-lint==1.58.0'

command -v "$python" >/dev/null 2>&1 || { echo "lint.sh: $python not found (set PYTHON)" >&2; exit 1; }
python_version="$("$python" -c 'import sys; print("%d.%d.%d" % sys.version_info[:3])')"
want="$(printf '%s\npython %s\n' "$requirements" "$python_version" | sha256sum | cut -d' ' -f1)"

if [[ -x "$venv/bin/cfn-lint" && -f "$marker" && "$(cat "$marker")" == "$want" ]]; then
    :
else
    echo "lint.sh: creating $venv ($requirements, Python $python_version)" >&2
    rm -rf "$venv"
    "$python" -m venv "$venv"
    # shellcheck disable=SC2086  # requirements is a list of specifiers
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-input $requirements
    printf '%s\n' "$want" >"$marker"
fi

shopt -s nullglob
templates=("$here"/*.yaml "$here"/*.yml)
if ((${#templates[@]} == 0)); then
    echo "lint.sh: no templates in $here" >&2
    exit 1
fi

echo "$("$venv/bin/cfn-lint" --version) on ${#templates[@]} template(s):"
for t in "${templates[@]}"; do echo "  ${t#"$here"/}"; done

# Informational findings are printed too, but only errors and warnings fail the run.
status=0
"$venv/bin/cfn-lint" --include-checks I --non-zero-exit-code warning -- "${templates[@]}" || status=$?
if ((status == 0)); then
    echo "cfn-lint: no errors, no warnings"
else
    echo "cfn-lint: findings above (exit $status)" >&2
fi
exit "$status"
