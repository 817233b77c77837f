#!/usr/bin/env bash
# The whole test suite, as CI runs it: formatting, lints, unit and CLI tests, and the end-to-end
# scan of the emulated organization (LocalStack + moto, installed and started by localstack/), the
# HTML report checked in headless Chromium, the container image built with buildah and run
# (Chromium, buildah and umoci installed with apt-get when missing), and `cargo install --path .`.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

step() { printf '\n==> %s\n' "$*"; }

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy --workspace --all-targets -- -D warnings"
cargo clippy --workspace --all-targets --quiet -- -D warnings

step "CloudFormation templates (deploy/lint.sh: cfn-lint)"
bash deploy/lint.sh

step "validators and JSON Schema tooling (.venv-tools)"
bash tests/setup-tools.sh

step "Chromium for the HTML report test"
if ! command -v chromium >/dev/null 2>&1 && [[ -z "${POSTURE_CHROMIUM:-}" ]]; then
    if [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null 2>&1; then
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
    else
        echo "run-all: Chromium is missing: install Debian's chromium package (or set POSTURE_CHROMIUM)" >&2
        exit 1
    fi
fi

step "buildah and umoci for the container image test"
if ! command -v buildah >/dev/null 2>&1 || ! command -v umoci >/dev/null 2>&1; then
    if [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null 2>&1; then
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq buildah umoci >/dev/null
    else
        echo "run-all: buildah or umoci is missing: install Debian's buildah and umoci packages" >&2
        exit 1
    fi
fi

step "emulators (localstack/setup.sh)"
bash localstack/setup.sh

step "cargo test (unit, CLI, and the emulated organization end to end)"
cargo test --workspace -- --include-ignored

# The README's install command, from this checkout (--debug reuses the test build's artifacts;
# users run it without --debug). The installed binary must run and name its commit.
step "cargo install --path . (into a temporary root)"
root="$(mktemp -d)"
trap 'rm -rf "$root"' EXIT
cargo install --locked --debug --quiet --path . --root "$root"
version="$("$root/bin/posture" --version)"
echo "installed: $version"
[[ "$version" == *"(commit $(git rev-parse --short=12 HEAD))" ]] || { echo "run-all: the installed posture does not name this commit: $version" >&2; exit 1; }
"$root/bin/posture" checks | grep -q iam-root-mfa
