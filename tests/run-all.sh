#!/usr/bin/env bash
# The whole test suite, as CI runs it: formatting, lints, unit and CLI tests, and the end-to-end
# scan of the emulated organization (LocalStack + moto, installed and started by localstack/).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

step() { printf '\n==> %s\n' "$*"; }

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy --all-targets -- -D warnings"
cargo clippy --all-targets --quiet -- -D warnings

step "validators and JSON Schema tooling (.venv-tools)"
bash tests/setup-tools.sh

step "emulators (localstack/setup.sh)"
bash localstack/setup.sh

step "cargo test (unit, CLI, and the emulated organization end to end)"
cargo test -- --include-ignored
